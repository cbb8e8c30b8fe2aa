import { Counter, Gauge, Registry } from 'prom-client';
import { BoundedLabels } from './bounded-labels.js';
import { FastHistogram, type HistogramSeries } from './fast-histogram.js';
import { collectRuntimeMetrics } from './runtime-metrics.js';

/**
 * The OpenTelemetry advisory buckets for `http.server.request.duration`, in seconds, plus 0.3: the
 * latency SLO's default bound (`slo.latencyThresholdMs`), which Prometheus can only count at a bucket.
 */
export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.3, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Database and dependency times start below a millisecond. */
export const DB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const HTTP_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

/** What the worker's data layer reports; read at scrape time, so no data module needs prom-client. */
export interface WorkerMetricSources {
  pool?(): { max: number; used: number; idle: number; waiting: number } | undefined;
  admission?():
    | {
        limit: number;
        queueLength: number;
        classes: Record<string, { inflight: number; queued: number; rejected: Record<string, number> }>;
      }
    | undefined;
  cache?():
    | {
        hits: number;
        misses: number;
        evictions: number;
        deferredInvalidations: number;
        bytes: number;
        entries: number;
      }
    | undefined;
}

export interface WorkerMetricsOptions {
  sources: WorkerMetricSources;
  /** Query fingerprints with a series of their own (50); later ones count as `other`. */
  fingerprintSeries?: number;
  /** Default collectors and event-loop utilisation (true); off in tests that count series. */
  runtime?: boolean;
}

/** One statement as the metrics see it. */
export interface StatementSample {
  fingerprint: { id: string; text: string };
  durationMs?: number;
  poolWaitMs?: number;
  /** It checked a connection out, so its wait is one `db.client.connection.wait_time` sample. */
  acquired: boolean;
}

export type OutboundOutcome = 'ok' | 'error' | 'timeout' | 'rejected';

export interface WorkerMetrics {
  readonly registry: Registry;
  /** `route` is the route template (`/api/articles/:slug`), never the raw URL. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  observeStatement(sample: StatementSample): void;
  observeConnectionUse(ms: number): void;
  /** A request gave up waiting for a connection. */
  countConnectionTimeout(): void;
  observeCacheRead(hit: boolean, ms: number): void;
  observeOutbound(dependency: string, outcome: OutboundOutcome, ms: number): void;
  /** Stops the runtime sampler. */
  close(): void;
}

/**
 * Every metric a worker exposes, named after the OpenTelemetry semantic conventions in Prometheus
 * form (`http.server.request.duration` → `http_server_request_duration_seconds`). Labels are
 * bounded by construction: route templates, status codes, query classes, the first N fingerprints.
 * docs/metrics.md documents each one; a test compares it with this registry.
 */
export function createWorkerMetrics(options: WorkerMetricsOptions): WorkerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const { sources } = options;
  const stopRuntime = options.runtime === false ? () => {} : collectRuntimeMetrics(registry);
  const fingerprints = new BoundedLabels(options.fingerprintSeries ?? 50);
  const described = new Set<string>();

  // The histograms observed on the request path are FastHistograms (see there); the rest is prom-client.
  const http = new FastHistogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, by route template, method and status code.',
    labelNames: ['http_route', 'http_request_method', 'http_response_status_code'],
    buckets: HTTP_BUCKETS,
    registers,
  });

  new Gauge({
    name: 'db_client_connection_count',
    help: 'Connections of the pool by state: used (checked out) or idle.',
    labelNames: ['db_client_connection_state'],
    registers,
    collect() {
      const p = sources.pool?.();
      this.set({ db_client_connection_state: 'used' }, p?.used ?? 0);
      this.set({ db_client_connection_state: 'idle' }, p?.idle ?? 0);
    },
  });
  new Gauge({
    name: 'db_client_connection_max',
    help: 'The most connections the pools may open.',
    registers,
    collect() {
      this.set(sources.pool?.()?.max ?? 0);
    },
  });
  new Gauge({
    name: 'db_client_connection_pending_requests',
    help: 'Callers waiting for a connection: in the admission queue and inside the pool.',
    registers,
    collect() {
      this.set((sources.admission?.()?.queueLength ?? 0) + (sources.pool?.()?.waiting ?? 0));
    },
  });
  const wait = new FastHistogram({
    name: 'db_client_connection_wait_time_seconds',
    help: 'Time to obtain a connection: admission queue, pool and connect.',
    buckets: DB_BUCKETS,
    registers,
  });
  const use = new FastHistogram({
    name: 'db_client_connection_use_time_seconds',
    help: 'Time between borrowing a connection and returning it.',
    buckets: DB_BUCKETS,
    registers,
  });
  const timeouts = new Counter({
    name: 'db_client_connection_timeouts_total',
    help: 'Requests that gave up waiting for a connection at their deadline.',
    registers,
  });
  const operation = new FastHistogram({
    name: 'db_client_operation_duration_seconds',
    help: 'Execution time of statements (without the wait for a connection), by query fingerprint.',
    labelNames: ['db_query_fingerprint'],
    buckets: DB_BUCKETS,
    registers,
  });
  const fingerprintInfo = new Gauge({
    name: 'bulwark_db_query_fingerprint_info',
    help: 'The normalised text of each fingerprint with a series of its own (value 1).',
    labelNames: ['db_query_fingerprint', 'db_query_text'],
    aggregator: 'max',
    registers,
  });

  const cacheCounter = (
    name: string,
    help: string,
    key: 'hits' | 'misses' | 'evictions' | 'deferredInvalidations',
  ) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(sources.cache?.()?.[key] ?? 0);
      },
    });
  cacheCounter('bulwark_cache_hits_total', 'Cache reads answered from the cache.', 'hits');
  cacheCounter('bulwark_cache_misses_total', 'Cache reads that ran their loader.', 'misses');
  cacheCounter(
    'bulwark_cache_evictions_total',
    'Entries evicted to stay inside the byte budget.',
    'evictions',
  );
  cacheCounter(
    'bulwark_cache_deferred_invalidations_total',
    'Writes acknowledged before Redis took their invalidation.',
    'deferredInvalidations',
  );
  new Gauge({
    name: 'bulwark_cache_bytes',
    help: 'Bytes held by the in-process cache.',
    registers,
    collect() {
      this.set(sources.cache?.()?.bytes ?? 0);
    },
  });
  const cacheTime = new FastHistogram({
    name: 'bulwark_cache_operation_duration_seconds',
    help: 'Time spent in the cache itself per read (lookup, decode, store), its loader excluded.',
    labelNames: ['result'],
    buckets: DB_BUCKETS,
    registers,
  });

  new Gauge({
    name: 'bulwark_admission_limit',
    help: 'Concurrent queries the adaptive limit allows now.',
    registers,
    collect() {
      this.set(sources.admission?.()?.limit ?? 0);
    },
  });
  new Gauge({
    name: 'bulwark_admission_in_flight',
    help: 'Queries holding an admission slot, by query class.',
    labelNames: ['query_class'],
    registers,
    collect() {
      for (const [c, s] of Object.entries(sources.admission?.()?.classes ?? {}))
        this.set({ query_class: c }, s.inflight);
    },
  });
  new Gauge({
    name: 'bulwark_admission_queued',
    help: 'Queries waiting for an admission slot, by query class.',
    labelNames: ['query_class'],
    registers,
    collect() {
      for (const [c, s] of Object.entries(sources.admission?.()?.classes ?? {}))
        this.set({ query_class: c }, s.queued);
    },
  });
  new Counter({
    name: 'bulwark_admission_rejections_total',
    help: 'Queries refused admission, by query class and reason (deadline, shed, full, aborted).',
    labelNames: ['query_class', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const [c, s] of Object.entries(sources.admission?.()?.classes ?? {}))
        for (const [reason, n] of Object.entries(s.rejected)) this.inc({ query_class: c, reason }, n);
    },
  });

  const outbound = new FastHistogram({
    name: 'http_client_request_duration_seconds',
    help: 'Duration of outbound calls, by dependency and outcome (ok, error, timeout, rejected by the breaker).',
    labelNames: ['peer_service', 'outcome'],
    buckets: DB_BUCKETS,
    registers,
  });

  // Series by label values, found once per combination (series are bounded, so are these maps):
  // nested maps by value find the series without building a label object or key per request.
  type Child = HistogramSeries;
  const httpChildren = new Map<string, Map<string, Map<number, Child>>>();
  const httpChild = (route: string, method: string, status: number): Child => {
    let byMethod = httpChildren.get(route);
    if (!byMethod) {
      byMethod = new Map();
      httpChildren.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let child = byStatus.get(status);
    if (!child) {
      child = http.series({
        http_route: route,
        http_request_method: method,
        http_response_status_code: status,
      });
      byStatus.set(status, child);
    }
    return child;
  };
  const operationChildren = new Map<string, Child>();
  const cacheHit = cacheTime.series({ result: 'hit' });
  const cacheMiss = cacheTime.series({ result: 'miss' });
  const waitSeries = wait.series();
  const useSeries = use.series();
  const outboundChildren = new Map<string, Child>();

  return {
    registry,
    observeRequest(route, method, status, seconds) {
      httpChild(route, HTTP_METHODS.has(method) ? method : '_OTHER', status).observe(seconds);
    },
    observeStatement(s) {
      if (s.acquired && s.poolWaitMs !== undefined) waitSeries.observe(s.poolWaitMs / 1000);
      if (s.durationMs === undefined) return;
      const label = fingerprints.label(s.fingerprint.id);
      let child = operationChildren.get(label);
      if (!child) {
        child = operation.series({ db_query_fingerprint: label });
        operationChildren.set(label, child);
      }
      child.observe(s.durationMs / 1000);
      if (label === s.fingerprint.id && !described.has(label)) {
        described.add(label);
        fingerprintInfo.set({ db_query_fingerprint: label, db_query_text: s.fingerprint.text }, 1);
      }
    },
    observeConnectionUse: (ms) => useSeries.observe(ms / 1000),
    countConnectionTimeout: () => timeouts.inc(),
    observeCacheRead: (hit, ms) => (hit ? cacheHit : cacheMiss).observe(ms / 1000),
    observeOutbound(dependency, outcome, ms) {
      const key = `${dependency}\u0000${outcome}`;
      let child = outboundChildren.get(key);
      if (!child) {
        child = outbound.series({ peer_service: dependency, outcome });
        outboundChildren.set(key, child);
      }
      child.observe(ms / 1000);
    },
    close: stopRuntime,
  };
}
