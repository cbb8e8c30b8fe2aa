import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import { answerProbes, createWorkerProbe } from '../monitor/index.js';
import type { WorkerData } from './worker-db.js';

/**
 * The worker half of the monitor: every finished API request is counted (status, duration) and the
 * supervisor's probes are answered with the data layer's statistics and the process's CPU and
 * event loop. Returns a function that stops it.
 */
export function installWorkerMonitor(
  app: FastifyInstance,
  config: Readonly<Config>,
  data: WorkerData,
): () => void {
  const cache = data.cache;
  const probe = createWorkerProbe({
    latencyThresholdMs: config.slo.latencyThresholdMs,
    queryStats: data.queryStats,
    ...(cache ? { cache: () => cache.stats() } : {}),
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
