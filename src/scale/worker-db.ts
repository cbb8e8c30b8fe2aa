import { availableParallelism } from 'node:os';
import type { Config } from '../config/index.js';
import {
  createDb,
  createExplainSampler,
  createGuardedDb,
  createQueryCache,
  createQueryStats,
  type Db,
  type GuardEvent,
  type GuardStats,
  instrumentDb,
  markQuerySent,
  type PoolStats,
  type QueryCache,
  type QueryStats,
  type RefusalNow,
  type SlowQueryLogEntry,
  type StatementTiming,
} from '../data/index.js';

/** Telemetry's hooks into the data layer: plain callbacks, so the data layer needs no metrics library. */
export interface DataObservers {
  onStatement?(timing: StatementTiming): void;
  onConnectionUse?(ms: number): void;
  onGuardEvent?(event: GuardEvent): void;
}

export interface WorkerData {
  db: Db;
  cache?: QueryCache;
  /** Per-fingerprint query statistics, for telemetry and diagnosis. */
  queryStats: QueryStats;
  /** Each request's deadline for its queries, when the profile has one. */
  requestBudgetMs?: number;
  /** The event-loop delay past which the worker refuses requests, when the profile sheds load. */
  maxEventLoopDelayMs?: number;
  /** The guard's refusal for a query asking now, when requests may be refused on arrival. */
  refusalNow?: RefusalNow;
  /** The pool's connections now. */
  pool(): PoolStats | undefined;
  /** The guard's admission state; undefined in the pre-incident profile, which has no guard. */
  admission(): GuardStats | undefined;
  close(): Promise<void>;
}

export interface WorkerDataOptions {
  databaseUrl: string;
  poolMax: number;
  name: string;
  /** Where slow-query lines go (the worker's logger). */
  logSlowQuery?: (entry: SlowQueryLogEntry) => void;
  /** The worker's event-loop delay (ms), so the guard can tell a busy worker from a slow database. */
  workerLagMs?: () => number;
  /** Every statement sent, with its values; tests count and EXPLAIN through it. */
  onQuery?: (text: string, values: readonly unknown[] | undefined) => void;
  observe?: DataObservers;
  /** The table-version file the machine's workers share, so that every worker's cache sees every write. */
  cacheVersionsPath?: string;
}

/** The admission queue's settings from the configuration; the guard benchmark's servers use it too. */
export function guardQueueOptions(guard: Readonly<Config['guard']>) {
  return { targetMs: guard.codelTargetMs, intervalMs: guard.codelIntervalMs, sloughMs: guard.shedAfterMs };
}

/**
 * The data layer a worker runs with. Hardened (the default): the guard (bounded waits, adaptive
 * limit, bulkheads, statement timeouts, cancellation) and the query cache. Pre-incident: exactly the
 * seed's stack, a `pg.Pool` with its defaults (10 connections, waiters queue for ever, no statement
 * timeout) and no cache, so drills can show the outage and the fix side by side. Both record query
 * statistics, with slow SELECTs explained off the hot path, so the pool wait shows in either.
 */
export function createWorkerData(config: Readonly<Config>, options: WorkerDataOptions): WorkerData {
  const onQuery = (text: string, values: readonly unknown[] | undefined) => {
    markQuerySent(text, values);
    options.onQuery?.(text, values);
  };
  const observe = options.observe ?? {};
  const onConnectionUse = observe.onConnectionUse ? { onConnectionUse: observe.onConnectionUse } : {};
  // This worker's part of the database's cores (the stack's pool is sized on the same count).
  const heavyMsPerSecond = (share: number) =>
    (1000 * share * availableParallelism()) / Math.max(1, config.workers);
  const guard =
    config.profile === 'pre-incident'
      ? undefined
      : createGuardedDb({
          url: options.databaseUrl,
          poolSize: options.poolMax,
          applicationName: options.name,
          classes: {
            critical: { statementTimeoutMs: config.guard.criticalStatementTimeoutMs },
            heavy: {
              share: config.guard.heavyShare,
              statementTimeoutMs: config.guard.heavyStatementTimeoutMs,
            },
            background: { share: config.guard.backgroundShare },
          },
          queue: guardQueueOptions(config.guard),
          defaultTimeoutMs: config.guard.requestBudgetMs,
          heavyTimeBudgetMsPerSecond: heavyMsPerSecond(config.guard.heavyCpuShare),
          heavyTimeBudgetOverloadedMsPerSecond: heavyMsPerSecond(config.guard.heavyCpuShareOverloaded),
          ...(options.workerLagMs ? { workerLagMs: options.workerLagMs } : {}),
          onQuery,
          ...onConnectionUse,
          ...(observe.onGuardEvent ? { onEvent: observe.onGuardEvent } : {}),
        });
  const base =
    guard ??
    createDb({
      url: options.databaseUrl,
      max: 10,
      statementTimeoutMs: 0,
      acquireTimeoutMs: 0,
      applicationName: options.name,
      onQuery,
      ...onConnectionUse,
    });
  const queryStats = createQueryStats();
  const explain = createExplainSampler({
    stats: queryStats,
    url: options.databaseUrl,
    applicationName: `${options.name}-explain`,
    ...(options.logSlowQuery ? { log: options.logSlowQuery } : {}),
  });
  const db = instrumentDb(base, queryStats, {
    explain,
    splitPoolWait: true,
    ...(observe.onStatement ? { onStatement: observe.onStatement } : {}),
  });
  const cache =
    config.profile === 'hardened' && config.cache.enabled
      ? createQueryCache({
          maxBytes: config.cache.maxBytes,
          ...(config.cache.redisUrl ? { redisUrl: config.cache.redisUrl } : {}),
          ...(options.cacheVersionsPath ? { sharedVersionsPath: options.cacheVersionsPath } : {}),
        })
      : undefined;
  return {
    db,
    queryStats,
    ...(cache ? { cache } : {}),
    ...(config.profile === 'hardened'
      ? {
          requestBudgetMs: config.guard.requestBudgetMs,
          maxEventLoopDelayMs: config.http.maxEventLoopDelayMs,
        }
      : {}),
    ...(guard && config.guard.refuseOnArrival
      ? { refusalNow: (queryClass, deadline) => guard.refusalNow(queryClass, deadline) }
      : {}),
    pool: () => base.poolStats?.(),
    admission: () => guard?.stats(),
    async close() {
      await cache?.close();
      await explain.close();
      await db.close();
    },
  };
}
