import type { Config } from '../config/index.js';
import { createDb, createGuardedDb, createQueryCache, type Db, type QueryCache } from '../data/index.js';

export interface WorkerData {
  db: Db;
  cache?: QueryCache;
  /** Each request's deadline for its queries, when the profile has one. */
  requestBudgetMs?: number;
  close(): Promise<void>;
}

/**
 * The data layer a worker runs with. Hardened (the default): the guard (bounded waits, adaptive
 * limit, bulkheads, statement timeouts, cancellation) and the query cache. Pre-incident: exactly the
 * seed's stack, a `pg.Pool` with its defaults (10 connections, waiters queue for ever, no statement
 * timeout) and no cache, so drills can show the outage and the fix side by side.
 */
export function createWorkerData(
  config: Readonly<Config>,
  databaseUrl: string,
  poolMax: number,
  name: string,
): WorkerData {
  if (config.profile === 'pre-incident') {
    const db = createDb({
      url: databaseUrl,
      max: 10,
      statementTimeoutMs: 0,
      acquireTimeoutMs: 0,
      applicationName: name,
    });
    return { db, close: () => db.close() };
  }
  const db = createGuardedDb({
    url: databaseUrl,
    poolSize: poolMax,
    applicationName: name,
    classes: {
      critical: { statementTimeoutMs: config.guard.criticalStatementTimeoutMs },
      heavy: { share: config.guard.heavyShare, statementTimeoutMs: config.guard.heavyStatementTimeoutMs },
      background: { share: config.guard.backgroundShare },
    },
    queue: { targetMs: config.guard.codelTargetMs, intervalMs: config.guard.codelIntervalMs },
    defaultTimeoutMs: config.guard.requestBudgetMs,
  });
  const cache = config.cache.enabled
    ? createQueryCache({
        maxBytes: config.cache.maxBytes,
        ...(config.cache.redisUrl ? { redisUrl: config.cache.redisUrl } : {}),
      })
    : undefined;
  return {
    db,
    ...(cache ? { cache } : {}),
    requestBudgetMs: config.guard.requestBudgetMs,
    async close() {
      await cache?.close();
      await db.close();
    },
  };
}
