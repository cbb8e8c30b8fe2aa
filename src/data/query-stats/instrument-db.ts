import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import type { Db, Queryable } from '../db.js';
import type { ExplainSampler } from './explain-sampler.js';
import type { Fingerprint } from './fingerprint.js';
import type { QueryStats } from './query-stats.js';

/** Monotonic milliseconds for durations; the guard's `Clock` fits. */
export interface DurationClock {
  monotonic(): number;
}

export interface InstrumentOptions {
  clock?: DurationClock;
  /** Offered every statement with a known execution time; explains the slow ones. */
  explain?: Pick<ExplainSampler, 'offer'>;
  /**
   * True when `db` was created with `onQuery: markQuerySent`. The time before that mark is then
   * pool wait and only the rest is execution time; without it a statement's time includes its wait.
   * `createGuardedDb` calls `onQuery` once it holds the connection, so its wait (admission queue,
   * connect, SET) is split out exactly. `createDb` calls it before `pg.Pool.query`, which waits for
   * a connection inside: there only a transaction's wait is seen (its first statement carries it).
   */
  splitPoolWait?: boolean;
  /** Every statement as measured, for metrics, the request's time breakdown and trace spans. */
  onStatement?: (timing: StatementTiming) => void;
}

/** One statement's timing; times are the clock's monotonic milliseconds. */
export interface StatementTiming {
  fingerprint: Fingerprint;
  /** When the call began (waiting for a connection, if it had to). */
  startedAt: number;
  /** When the statement went to the server; absent when it never did (rejected while waiting). */
  sentAt?: number;
  endedAt: number;
  durationMs?: number;
  poolWaitMs?: number;
  errorCode?: string;
  /** True when this call checked a connection out (a lone query, or a transaction's first statement). */
  acquired: boolean;
}

/** One call in flight: when it started and when the wrapped Db sent its statement. */
interface CallTiming {
  clock: DurationClock;
  sentAt: number | undefined;
}

const calls = new AsyncLocalStorage<CallTiming>();

/**
 * An `onQuery` hook that marks the moment the wrapped Db sends the current statement. Pass it as
 * `onQuery` to `createDb` or `createGuardedDb`, then wrap that Db with `instrumentDb(…, {
 * splitPoolWait: true })`. It reads the call from async context, so concurrent queries do not mix.
 * @example const db = instrumentDb(createGuardedDb({ url, poolSize, onQuery: markQuerySent }), stats, { splitPoolWait: true });
 */
export function markQuerySent(_text?: string, _values?: readonly unknown[]): void {
  const call = calls.getStore();
  if (call && call.sentAt === undefined) call.sentAt = call.clock.monotonic();
}

/** The code to count a failure under: the SQLSTATE when the database failed it, else the error's code. */
export function errorCodeOf(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const sqlstate = (c: unknown) => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c);
  if (sqlstate(e?.code)) return e?.code as string;
  if (sqlstate(e?.cause?.code)) return e?.cause?.code as string;
  if (typeof e?.code === 'string') return e.code;
  return err instanceof Error ? err.name : 'unknown';
}

const systemDurations: DurationClock = { monotonic: () => performance.now() };

/**
 * Wraps a `Db` so every statement (through `query` and inside `transaction`) is counted in `stats`:
 * execution time, rows, errors by code and, with `splitPoolWait`, the wait for a connection. The
 * first statement of a transaction also carries the wait for the transaction's connection.
 * Everything else of `db` (`close`, a guard's `stats()`) is reached through the prototype.
 */
export function instrumentDb<D extends Db>(db: D, stats: QueryStats, options: InstrumentOptions = {}): D {
  const clock = options.clock ?? systemDurations;
  const split = options.splitPoolWait ?? false;

  const timed = async <R extends pg.QueryResultRow>(
    target: Queryable,
    text: string,
    values: unknown[] | undefined,
    waitedBeforeMs: number,
    acquired: boolean,
  ): Promise<pg.QueryResult<R>> => {
    const call: CallTiming = { clock, sentAt: undefined };
    const start = clock.monotonic() - waitedBeforeMs;
    const report = (
      fingerprint: Fingerprint,
      t: { durationMs?: number; poolWaitMs?: number },
      code?: string,
    ) => {
      if (!options.onStatement) return;
      const endedAt = clock.monotonic();
      options.onStatement({
        fingerprint,
        startedAt: start,
        ...(t.durationMs !== undefined ? { sentAt: endedAt - t.durationMs } : {}),
        endedAt,
        ...t,
        ...(code !== undefined ? { errorCode: code } : {}),
        acquired,
      });
    };
    const times = (): { durationMs?: number; poolWaitMs?: number } => {
      const end = clock.monotonic();
      const callStart = start + waitedBeforeMs;
      const sentAt = split ? call.sentAt : callStart;
      // Never sent: it spent all its time waiting (and was rejected, or the connection failed).
      if (sentAt === undefined) return { poolWaitMs: end - start };
      return {
        durationMs: end - sentAt,
        ...(split || waitedBeforeMs > 0 ? { poolWaitMs: sentAt - start } : {}),
      };
    };
    try {
      const result = await calls.run(call, () => target.query<R>(text, values));
      const t = times();
      const fingerprint = stats.record({ text, ...t, rows: result.rowCount ?? result.rows?.length ?? 0 });
      report(fingerprint, t);
      if (t.durationMs !== undefined)
        options.explain?.offer({ fingerprint, text, values, durationMs: t.durationMs });
      return result;
    } catch (err) {
      const t = times();
      const code = errorCodeOf(err);
      const fingerprint = stats.record({ text, ...t, errorCode: code });
      report(fingerprint, t, code);
      // A statement killed by its timeout is the slowest kind, and the one most worth a plan.
      if (t.durationMs !== undefined)
        options.explain?.offer({ fingerprint, text, values, durationMs: t.durationMs });
      throw err;
    }
  };

  const wrapped = Object.create(db) as D;
  wrapped.query = (text, values) => timed(db, text, values, 0, true);
  wrapped.transaction = (fn) => {
    const start = clock.monotonic();
    return db.transaction((tx) => {
      // Connect and BEGIN: the wait for the connection, charged to the first statement.
      let pendingWaitMs = clock.monotonic() - start;
      let first = true;
      return fn({
        query: (text, values) => {
          const waited = pendingWaitMs;
          pendingWaitMs = 0;
          const acquired = first;
          first = false;
          return timed(tx, text, values, waited, acquired);
        },
      });
    });
  };
  return wrapped;
}
