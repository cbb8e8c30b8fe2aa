import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import { answerProbes, createWorkerProbe, type ProbeDependency } from '../monitor/index.js';
import type { WorkerData } from './worker-db.js';
import type { WorkerTelemetry } from './worker-telemetry.js';

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** The values of one metric of the worker's registry (empty when it is not registered). */
async function values(telemetry: WorkerTelemetry, name: string): Promise<MetricValue[]> {
  const metric = telemetry.metrics.registry.getSingleMetric(name);
  if (!metric) return [];
  return ((await metric.get()) as { values: MetricValue[] }).values;
}

/** Outbound calls by dependency, from the `http.client.request.duration` histogram (seconds → ms). */
async function dependencies(telemetry: WorkerTelemetry): Promise<ProbeDependency[]> {
  const byName = new Map<string, ProbeDependency & { buckets: [number, number][] }>();
  for (const v of await values(telemetry, 'http_client_request_duration_seconds')) {
    const name = String(v.labels.peer_service ?? 'unknown');
    const d = byName.get(name) ?? { name, calls: 0, totalMs: 0, errors: 0, buckets: [] };
    if (v.metricName?.endsWith('_count')) {
      d.calls += v.value;
      if (v.labels.outcome !== 'ok') d.errors += v.value;
    } else if (v.metricName?.endsWith('_sum')) d.totalMs += v.value * 1000;
    else if (v.metricName?.endsWith('_bucket') && v.labels.le !== '+Inf') {
      const le = Number(v.labels.le) * 1000;
      const at = d.buckets.find((b) => b[0] === le);
      if (at) at[1] += v.value;
      else d.buckets.push([le, v.value]);
    }
    byName.set(name, d);
  }
  return [...byName.values()];
}

async function cacheMs(telemetry: WorkerTelemetry): Promise<number> {
  const sums = (await values(telemetry, 'bulwark_cache_operation_duration_seconds')).filter((v) =>
    v.metricName?.endsWith('_sum'),
  );
  return sums.reduce((s, v) => s + v.value * 1000, 0);
}

/**
 * The worker half of the monitor: every finished API request is counted (status, duration) and the
 * supervisor's probes are answered with the data layer's statistics, the pool and admission state,
 * outbound calls and cache time from the worker's metrics, and the process's CPU and event loop.
 * Returns a function that stops it.
 */
export function installWorkerMonitor(
  app: FastifyInstance,
  config: Readonly<Config>,
  data: WorkerData,
  telemetry: WorkerTelemetry | undefined,
): () => void {
  const cache = data.cache;
  const probe = createWorkerProbe({
    latencyThresholdMs: config.slo.latencyThresholdMs,
    queryStats: data.queryStats,
    ...(cache ? { cache: () => cache.stats() } : {}),
    pool: () => {
      const p = data.pool();
      if (!p) return undefined;
      // the guard's admission queue is where requests wait before the pool's own queue
      return { max: p.max, used: p.used, waiting: p.waiting + (data.admission()?.queueLength ?? 0) };
    },
    rejections: () => {
      const a = data.admission();
      if (!a) return 0;
      return Object.values(a.classes).reduce(
        (n, c) => n + c.rejected.deadline + c.rejected.shed + c.rejected.full,
        0,
      );
    },
    // Outbound and cache times come from the metrics; with telemetry off they are not measured.
    ...(telemetry ? { dependencies: () => dependencies(telemetry), cacheMs: () => cacheMs(telemetry) } : {}),
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/api'))
      probe.finished({ statusCode: reply.statusCode, durationMs: reply.elapsedTime });
  });
  const stop = answerProbes(() => probe.read());
  return () => {
    stop();
    probe.close();
  };
}
