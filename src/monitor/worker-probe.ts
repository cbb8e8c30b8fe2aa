import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { PlanShape, QueryStats } from '../data/index.js';

/** One fingerprint's counters since the worker started. */
export interface ProbeQuery {
  id: string;
  text: string;
  firstSeen: number;
  calls: number;
  totalMs: number;
  poolWaitMs: number;
  plan: PlanShape | null;
}

/** One dependency's counters since the worker started. */
export interface ProbeDependency {
  name: string;
  calls: number;
  totalMs: number;
  errors: number;
  /** Cumulative histogram: upper bound (ms) → calls at or under it; optional. */
  buckets?: [number, number][];
}

/**
 * What a worker reports to the monitor: counters since it started (the supervisor takes the
 * differences), plus gauges read now. Plain JSON, sent over the cluster IPC channel.
 */
export interface WorkerProbe {
  pid: number;
  at: number;
  requests: number;
  errors: number;
  slow: number;
  requestMs: number;
  poolWaitMs: number;
  queryMs: number;
  queryCalls: number;
  cacheMs: number;
  cacheHits: number;
  cacheMisses: number;
  rejections: number;
  cpuMs: number;
  /** Time the main thread was runnable but waited for a CPU (Linux schedstat), null elsewhere. */
  runQueueMs: number | null;
  eluIdleMs: number;
  eluActiveMs: number;
  /** Event-loop delay p99 since the previous probe. */
  loopDelayP99Ms: number;
  /** Wait for a connection, p95 over the last minute (the busiest statement's), ms. */
  poolWaitP95Ms: number | null;
  pool: { size: number; busy: number; waiting: number } | null;
  queries: ProbeQuery[];
  dependencies: ProbeDependency[];
}

/** Where a worker's numbers come from; each optional, so the probe works with what the worker has. */
export interface WorkerProbeSources {
  latencyThresholdMs: number;
  queryStats: QueryStats;
  cache?: () => { hits: number; misses: number } | undefined;
  pool?: () => { max: number; used: number; waiting: number } | undefined;
  /** Requests the admission limit rejected, since start. */
  rejections?: () => number;
  dependencies?: () => Promise<ProbeDependency[]>;
  /** Time spent inside the cache itself since start, when telemetry measures it. */
  cacheMs?: () => Promise<number>;
  /** Fingerprints reported per probe (40): the costliest of the last minute. */
  maxQueries?: number;
}

/**
 * How long this process's main thread waited on a run queue, from `/proc/self/schedstat` (ns): a
 * thread that wants the CPU but does not get it is CPU-bound even when it obtains little CPU time.
 */
function runQueueMs(): number | null {
  try {
    const wait = Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]);
    return Number.isFinite(wait) ? wait / 1e6 : null;
  } catch {
    return null;
  }
}

/** What the HTTP layer tells the probe about each finished API request. */
export interface FinishedRequest {
  statusCode: number;
  durationMs: number;
}

/**
 * The worker half of the monitor: counts API requests as they finish and, when asked, reads the
 * data layer's statistics and the process's CPU and event loop. Cheap: a few additions per request.
 */
export function createWorkerProbe(sources: WorkerProbeSources) {
  let requests = 0;
  let errors = 0;
  let slow = 0;
  let requestMs = 0;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const maxQueries = sources.maxQueries ?? 40;

  return {
    finished(r: FinishedRequest): void {
      requests++;
      requestMs += r.durationMs;
      if (r.statusCode >= 500) errors++;
      if (r.durationMs > sources.latencyThresholdMs) slow++;
    },
    async read(): Promise<WorkerProbe> {
      const snap = sources.queryStats.snapshot();
      let poolWaitMs = 0;
      let queryMs = 0;
      let queryCalls = 0;
      let poolWaitP95Ms: number | null = null;
      const recentCalls = snap.queries.reduce((n, q) => n + q.recent.calls, 0);
      for (const q of snap.queries) {
        // statements with a real share of the traffic only: one odd call must not set the p95
        if (q.recent.poolWait.count > 0 && q.recent.calls >= 0.05 * recentCalls)
          poolWaitP95Ms = Math.max(poolWaitP95Ms ?? 0, q.recent.poolWait.p95Ms);
        poolWaitMs += q.total.poolWait.totalMs;
        queryMs += q.total.time.totalMs;
        queryCalls += q.total.calls;
      }
      const cpu = process.cpuUsage();
      const elu = performance.eventLoopUtilization();
      const p99 = loop.count > 0 ? loop.percentile(99) / 1e6 : 0;
      loop.reset();
      const pool = sources.pool?.();
      const cache = sources.cache?.();
      const [dependencies, cacheMs] = await Promise.all([
        sources.dependencies?.() ?? Promise.resolve([]),
        sources.cacheMs?.() ?? Promise.resolve(0),
      ]);
      return {
        pid: process.pid,
        at: Date.now(),
        requests,
        errors,
        slow,
        requestMs,
        poolWaitMs,
        queryMs,
        queryCalls,
        cacheMs,
        cacheHits: cache?.hits ?? 0,
        cacheMisses: cache?.misses ?? 0,
        rejections: sources.rejections?.() ?? 0,
        cpuMs: (cpu.user + cpu.system) / 1000,
        runQueueMs: runQueueMs(),
        eluIdleMs: elu.idle,
        eluActiveMs: elu.active,
        loopDelayP99Ms: p99,
        poolWaitP95Ms,
        pool: pool ? { size: pool.max, busy: pool.used, waiting: pool.waiting } : null,
        queries: snap.queries.slice(0, maxQueries).map((q) => ({
          id: q.id,
          text: q.text,
          firstSeen: q.firstSeen,
          calls: q.total.calls,
          totalMs: q.total.time.totalMs,
          poolWaitMs: q.total.poolWait.totalMs,
          plan: q.plan,
        })),
        dependencies,
      };
    },
    close(): void {
      loop.disable();
    },
  };
}

export type WorkerProbeHandle = ReturnType<typeof createWorkerProbe>;
