import cluster from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';

/** prom-client's JSON form of a registry's metrics. */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

const REQUEST = 'bulwark:metrics-request';
const RESPONSE = 'bulwark:metrics-response';

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}
interface MetricsResponse {
  type: typeof RESPONSE;
  id: number;
  metrics?: MetricsJson;
  error?: string;
}

/**
 * In a worker: answers the supervisor's metrics requests with this registry's metrics as JSON.
 * Returns a function that stops answering.
 */
export function serveWorkerMetrics(registry: Registry): () => void {
  const onMessage = (msg: unknown) => {
    const m = msg as Partial<MetricsRequest> | null;
    if (m?.type !== REQUEST || typeof m.id !== 'number') return;
    const id = m.id;
    registry.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: RESPONSE, id, metrics } satisfies MetricsResponse),
      (err: Error) => process.send?.({ type: RESPONSE, id, error: err.message } satisfies MetricsResponse),
    );
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}

/** The workers' metrics summed (or averaged, per metric) plus the supervisor's own. */
export interface ClusterMetrics {
  readonly contentType: string;
  /** Prometheus text exposition of the aggregate. */
  metrics(): Promise<string>;
  /** The same aggregate as prom-client's JSON, for in-process readers (SLOs, diagnosis). */
  json(): Promise<MetricsJson>;
  /** How many workers answered the last collection, and how many were asked. */
  readonly lastCollection: { asked: number; answered: number };
}

export interface ClusterMetricsOptions {
  /** The supervisor's own registry; its names must not clash with the workers'. */
  own: Registry;
  /** A worker that has not answered after this long is left out of this collection (1 s). */
  timeoutMs?: number;
  /**
   * Ask the workers (true). False when they keep no metrics (`telemetry.enabled` false): nobody
   * answers, so a scrape would wait out `timeoutMs` for nothing before serving the supervisor's own.
   */
  askWorkers?: boolean;
}

/**
 * In the supervisor: collects every live worker's metrics over the cluster IPC channel and
 * aggregates them with prom-client's `AggregatorRegistry.aggregate` (counters and histograms
 * summed, gauges by their declared aggregator). Unlike `clusterMetrics()`, a worker that does not
 * answer in time is left out rather than failing the whole scrape: a worker with a saturated
 * event loop is exactly when the others' numbers matter.
 */
export function createClusterMetrics(options: ClusterMetricsOptions): ClusterMetrics {
  const timeoutMs = options.timeoutMs ?? 1_000;
  let nextId = 0;
  const last = { asked: 0, answered: 0 };

  const askWorkers = options.askWorkers ?? true;

  const collectWorkers = (): Promise<MetricsJson[]> => {
    const workers = askWorkers ? Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected()) : [];
    const id = nextId++;
    last.asked = workers.length;
    last.answered = 0;
    if (workers.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const answers: MetricsJson[] = [];
      let pending = workers.length;
      const finish = () => {
        cluster.off('message', onMessage);
        clearTimeout(timer);
        last.answered = answers.length;
        resolve(answers);
      };
      const onMessage = (_worker: unknown, msg: unknown) => {
        const m = msg as Partial<MetricsResponse> | null;
        if (m?.type !== RESPONSE || m.id !== id) return;
        if (m.metrics) answers.push(m.metrics);
        if (--pending === 0) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      cluster.on('message', onMessage);
      for (const w of workers) w?.send({ type: REQUEST, id } satisfies MetricsRequest);
    });
  };

  const aggregate = async (): Promise<Registry> => {
    const workers = await collectWorkers();
    const aggregated: Registry =
      workers.length > 0 ? (AggregatorRegistry.aggregate(workers) as Registry) : new Registry();
    return Registry.merge([aggregated, options.own]);
  };

  return {
    contentType: options.own.contentType,
    metrics: async () => (await aggregate()).metrics(),
    json: async () => (await aggregate()).getMetricsAsJSON(),
    get lastCollection() {
      return { ...last };
    },
  };
}
