import type pg from 'pg';
import { BulwarkError } from '../errors/index.js';
import { createPgPool, type PoolStats, poolStatsOf } from './pg-pool.js';

/** The part of a connection the service needs: one parameterised statement at a time. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** The service's only way to the database. Later layers (guard, cache) wrap this same interface. */
export interface Db extends Queryable {
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The pool's connections now, for telemetry; absent on wrappers that own no pool. */
  poolStats?(): PoolStats;
}

export interface DbOptions {
  url: string;
  max: number;
  /** Server-side statement_timeout; 0 lets statements run for ever (the pre-incident stack). */
  statementTimeoutMs: number;
  /** How long a caller waits for a free connection; 0 waits for ever, as pg.Pool does by default. */
  acquireTimeoutMs?: number;
  applicationName?: string;
  /** Called once per statement sent, with its text and values; tests count and EXPLAIN through it. */
  onQuery?: (text: string, values: readonly unknown[] | undefined) => void;
  /** Told how long each checkout held its connection, for telemetry. */
  onConnectionUse?: (ms: number) => void;
}

// Connection-level failures: the server is down, restarting or unreachable.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

/** Turns driver failures that mean "try again later" into retryable 503s; anything else passes through. */
export function translateDbError(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  if (e?.code === '57014')
    return new BulwarkError('DATA_ERR_QUERY_TIMEOUT', 'the database took too long', { cause: err });
  if (
    (e?.code && UNAVAILABLE_CODES.has(e.code)) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(e?.message ?? '')
  ) {
    return new BulwarkError('DATA_ERR_UNAVAILABLE', 'the database is unavailable', { cause: err });
  }
  return err;
}

/** A `Db` over a plain `pg.Pool`. */
export function createDb(options: DbOptions): Db {
  const pool = createPgPool({
    url: options.url,
    max: options.max,
    connectionTimeoutMs: options.acquireTimeoutMs ?? 5_000,
    applicationName: options.applicationName,
    statementTimeoutMs: options.statementTimeoutMs,
    onConnectionUse: options.onConnectionUse,
  });

  const run = async <R extends pg.QueryResultRow>(q: Queryable, text: string, values?: unknown[]) => {
    options.onQuery?.(text, values);
    try {
      return await q.query<R>(text, values);
    } catch (err) {
      throw translateDbError(err);
    }
  };

  return {
    // Check a connection out first and only then report the statement as sent, so that the time
    // spent waiting for the pool (the seed outage's bottleneck) is not mistaken for query time.
    async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw translateDbError(err);
      }
      try {
        const result = await run<R>(client, text, values);
        client.release();
        return result;
      } catch (err) {
        // A broken connection must not go back to the pool; a failed statement leaves it usable.
        const broken = err instanceof Error && (err as { code?: string }).code === 'DATA_ERR_UNAVAILABLE';
        client.release(broken ? err : undefined);
        throw err;
      }
    },
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw translateDbError(err);
      }
      const tx: Queryable = { query: (text, values) => run(client, text, values) };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (err) {
        // A failed ROLLBACK means the connection is broken: destroy it instead of reusing it.
        await client.query('ROLLBACK').then(
          () => client.release(),
          (rollbackErr: Error) => client.release(rollbackErr),
        );
        throw translateDbError(err);
      }
    },
    close: () => pool.end(),
    poolStats: () => poolStatsOf(pool, options.max),
  };
}
