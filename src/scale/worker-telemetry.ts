import type { Config } from '../config/index.js';
import type { QueryCache, StatementTiming } from '../data/index.js';
import type { HttpTelemetry } from '../http/index.js';
import {
  createWorkerMetrics,
  currentRequestTiming,
  loadTracing,
  type OutboundOutcome,
  type Tracing,
  type WorkerMetrics,
} from '../telemetry/index.js';
import type { DataObservers, WorkerData } from './worker-db.js';

/** Reports one outbound call (the moderation client calls it): time, outcome, span. */
export type OutboundObserver = (
  dependency: string,
  outcome: OutboundOutcome,
  startMs: number,
  endMs: number,
) => void;

export interface WorkerTelemetry {
  metrics: WorkerMetrics;
  tracing: Tracing | undefined;
  /** Hooks for `createWorkerData`. */
  data: DataObservers;
  http: HttpTelemetry;
  outbound: OutboundObserver;
  /** Tells the metrics where the data layer's numbers are, once it exists. */
  attach(data: WorkerData): void;
  /** The cache, timed: its own time (loader excluded) into the request and the metrics. */
  timedCache(cache: QueryCache): QueryCache;
  close(): Promise<void>;
}

/**
 * One worker's telemetry, wired: every statement, cache read and outbound call adds to the current
 * request's breakdown, to the metrics and, when tracing is on, to a span under the request's span.
 */
export async function createWorkerTelemetry(config: Readonly<Config>): Promise<WorkerTelemetry> {
  let data: WorkerData | undefined;
  const metrics = createWorkerMetrics({
    fingerprintSeries: config.telemetry.queryFingerprints,
    sources: {
      pool: () => data?.pool(),
      admission: () => data?.admission(),
      cache: () => data?.cache?.stats(),
    },
  });
  const tracing = await loadTracing('bulwark');

  const onStatement = (t: StatementTiming) => {
    metrics.observeStatement(t);
    const timing = currentRequestTiming();
    if (timing) {
      timing.poolWaitMs += t.poolWaitMs ?? 0;
      timing.dbMs += t.durationMs ?? 0;
      if (t.sentAt !== undefined) timing.queries++;
    }
    const parent = timing?.span;
    if (!tracing?.recording(parent)) return;
    const waitEnd = t.sentAt ?? t.endedAt;
    if (t.acquired || waitEnd - t.startedAt >= 0.001)
      tracing.recordSpan(
        parent,
        'db.client.connection.acquire',
        t.startedAt,
        waitEnd,
        {},
        t.sentAt === undefined,
      );
    if (t.sentAt !== undefined)
      tracing.recordSpan(
        parent,
        'db.query',
        t.sentAt,
        t.endedAt,
        {
          'db.system.name': 'postgresql',
          'db.query.text': t.fingerprint.text,
          'bulwark.query.fingerprint': t.fingerprint.id,
          ...(t.errorCode ? { 'error.type': t.errorCode } : {}),
        },
        t.errorCode !== undefined,
      );
  };

  const outbound: OutboundObserver = (dependency, outcome, startMs, endMs) => {
    const ms = endMs - startMs;
    metrics.observeOutbound(dependency, outcome, ms);
    const timing = currentRequestTiming();
    if (timing) timing.outboundMs += ms;
    if (!tracing?.recording(timing?.span)) return;
    tracing.recordSpan(
      timing?.span,
      `outbound ${dependency}`,
      startMs,
      endMs,
      { 'peer.service': dependency, 'bulwark.outcome': outcome },
      outcome !== 'ok',
    );
  };

  /** A cache read finished: its own time (the loader's excluded) into the metrics, the request, a span. */
  function cacheReadDone(start: number, loaded: boolean, loaderMs: number): void {
    const end = performance.now();
    const own = Math.max(0, end - start - loaderMs);
    metrics.observeCacheRead(!loaded, own);
    const timing = currentRequestTiming();
    if (timing) timing.cacheMs += own;
    // The attributes are built only under a sampled request.
    if (tracing?.recording(timing?.span))
      tracing.recordSpan(timing?.span, 'cache.read', start, end, { 'bulwark.cache.hit': !loaded });
  }

  return {
    metrics,
    tracing,
    data: {
      onStatement,
      onConnectionUse: (ms) => metrics.observeConnectionUse(ms),
      onGuardEvent: (e) => {
        if (e.type === 'rejected' && e.reason === 'deadline') metrics.countConnectionTimeout();
      },
    },
    http: {
      metrics,
      ...(tracing ? { tracing } : {}),
      outbound,
    },
    outbound,
    attach(d) {
      data = d;
    },
    timedCache(cache) {
      const timed = Object.create(cache) as QueryCache;
      // Not an async function: with AsyncLocalStorage on, every await costs a promise of its own,
      // and a cached request reads the cache several times; one `then` per read is enough. (No
      // closure is named per call either: tsx's keepNames would define its name on every read.)
      timed.read = (key, options, loader) => {
        const start = performance.now();
        let loaderMs = 0;
        let loaded = false;
        return cache
          .read(key, options, async () => {
            loaded = true;
            const l0 = performance.now();
            try {
              return await loader();
            } finally {
              loaderMs += performance.now() - l0;
            }
          })
          .then(
            (value) => {
              cacheReadDone(start, loaded, loaderMs);
              return value;
            },
            (err: unknown) => {
              cacheReadDone(start, loaded, loaderMs);
              throw err;
            },
          );
      };
      return timed;
    },
    async close() {
      metrics.close();
      await tracing?.shutdown();
    },
  };
}
