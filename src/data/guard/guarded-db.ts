import type pg from 'pg';
import { BulwarkError } from '../../errors/index.js';
import { type Db, type Queryable, translateDbError } from '../db.js';
import { createPgPool, poolStatsOf } from '../pg-pool.js';
import { type AdaptiveLimitOptions, createAdaptiveLimit } from './adaptive-limit.js';
import { type AdmissionQueueOptions, createAdmissionQueue, type RejectionReason } from './admission-queue.js';
import { type CancelBackend, createBackendCanceller } from './backend-canceller.js';
import { createBulkheads } from './bulkheads.js';
import { type Clock, systemClock, type TimerHandle } from './clock.js';
import { watchDeadline } from './deadline-watch.js';
import { createStatsRecorder, type GuardEvent, type GuardStats } from './guard-stats.js';
import { createHoldTimes } from './hold-time.js';
import { Lease } from './lease.js';
import {
  currentRequestContext,
  QUERY_CLASSES,
  type QueryClass,
  type RequestContext,
} from './request-context.js';
import { createTimeBudget } from './time-budget.js';

/** How one query class is treated. */
export interface ClassPolicy {
  /** Fraction of the concurrency limit the class may hold when others are waiting. */
  share: number;
  /** Server-side backstop should a cancel not get through; 0 turns it off. */
  statementTimeoutMs: number;
}

/**
 * Critical (auth, writes, article reads) may use every slot. Heavy (listings, feed) gets half, and a
 * short statement timeout: an unindexed listing holding connections was the seed outage. Background
 * gets a fifth and a long timeout, since batch work is slow by nature but must stay out of the way.
 */
export const DEFAULT_CLASS_POLICIES: Readonly<Record<QueryClass, ClassPolicy>> = Object.freeze({
  critical: { share: 1, statementTimeoutMs: 5_000 },
  heavy: { share: 0.5, statementTimeoutMs: 2_000 },
  background: { share: 0.2, statementTimeoutMs: 30_000 },
});

export interface GuardedDbOptions {
  url: string;
  /** Connections this process may open: its part of `2 × DB cores + 1`. Also the limit's maximum. */
  poolSize: number;
  applicationName?: string;
  classes?: Partial<Record<QueryClass, Partial<ClassPolicy>>>;
  limit?: Partial<Omit<AdaptiveLimitOptions, 'maxLimit'>>;
  queue?: Pick<
    AdmissionQueueOptions<QueryClass>,
    'targetMs' | 'intervalMs' | 'sloughMs' | 'reserveMs' | 'maxWaitMs' | 'maxWaiters'
  >;
  /** Fraction of the limit kept free when a class borrows beyond its share (0.25). */
  borrowReserve?: number;
  /** For queries issued outside any request (start-up, scripts): their class and time budget. */
  defaultQueryClass?: QueryClass;
  defaultTimeoutMs?: number;
  /** Bound on opening a connection, whatever the deadline (5 s). */
  connectTimeoutMs?: number;
  clock?: Clock;
  /** Defaults to `pg_cancel_backend` on a control connection of its own. */
  cancelBackend?: CancelBackend;
  /** Called once per service statement sent (not the guard's own SETs), as `DbOptions.onQuery`. */
  onQuery?: (text: string, values: readonly unknown[] | undefined) => void;
  /** Every admission, rejection, statement and cancellation, for telemetry. */
  onEvent?: (event: GuardEvent) => void;
  /**
   * This process's current event-loop delay, ms. A query's time is measured in the worker, so while
   * the worker's own loop lags every sample is inflated by the lag: the limit would read a busy
   * worker as a slow database and shrink, starving an idle database (seen in the spike benchmark:
   * limit at its minimum, PostgreSQL at 5% of a core). Such samples do not move the limit.
   */
  workerLagMs?: () => number;
  /** Lag above which query-time samples are ignored by the limit (10 ms). */
  lagToleranceMs?: number;
  /**
   * Connection time (ms per second) the heavy class may use while critical queries are active; see
   * time-budget.ts for why time rather than slots. Absent: heavy is bounded by its slot share only.
   */
  heavyTimeBudgetMsPerSecond?: number;
  /**
   * The heavy budget's rate while the critical lane's queue stands (critical requests are being
   * refused): then every millisecond heavy holds a connection is one a refused critical request
   * could have used. Absent: the same as `heavyTimeBudgetMsPerSecond`.
   */
  heavyTimeBudgetOverloadedMsPerSecond?: number;
  /** How long after its last admission the critical class still counts as active (1 s). */
  criticalActiveMs?: number;
  /** Told how long each checkout held its connection, for telemetry. */
  onConnectionUse?: (ms: number) => void;
}

/** The error when `err` means the connection itself is gone (not just the statement failed). */
function connectionLost(err: unknown): Error | undefined {
  const translated = translateDbError(err);
  return translated instanceof BulwarkError && translated.code === 'DATA_ERR_UNAVAILABLE'
    ? translated
    : undefined;
}

/**
 * Whether a connection's statement_timeout (`current`, ms; 0 = none; undefined = unknown) can serve
 * a query whose class wants `wanted` and whose request has `remainingMs` left, without a SET round
 * trip. It fits when it is no laxer than the class wants and no stricter than the time the request
 * has anyway: a critical query with 1 s left loses nothing on a connection set to heavy's 2 s, since
 * its deadline cancels it first. Connections then change timeout rarely instead of at every switch
 * between classes, which cost a round trip on a third of the queries of a mixed workload.
 */
export function timeoutFits(current: number | undefined, wanted: number, remainingMs: number): boolean {
  if (current === undefined) return false;
  if (wanted <= 0) return current <= 0;
  return current > 0 && current <= wanted && current >= remainingMs;
}

/** The guard's answer for a query about to ask for a connection: the error it would get, or none. */
export type RefusalNow = (queryClass: QueryClass, deadline: number) => BulwarkError | undefined;

/** A `Db` that also reports what the guard is doing. */
export interface GuardedDb extends Db {
  stats(): GuardStats;
  /**
   * The overload error a query of `queryClass` with `deadline` would get if it asked for a connection
   * now, counted as that rejection; undefined when it would be let in to wait. It queues nothing, so
   * the HTTP layer can refuse a request that would only reach this refusal before it parses, signs in
   * and runs a handler for it.
   */
  refusalNow: RefusalNow;
}

const REJECTION_MESSAGES: Record<Exclude<RejectionReason, 'aborted'>, string> = {
  deadline: "no database connection was free before the request's deadline",
  shed: 'the database queue is standing; waiting longer would only delay newer requests',
  full: 'the database queue is full',
};

/**
 * A `Db` over a `pg.Pool` of `poolSize`, with admission, an adaptive limit and bulkheads around every
 * query and transaction. The request's deadline, class and abort signal come from the request context.
 * @example const db = createGuardedDb({ url, poolSize: 5 }); // drop-in for createDb
 */
export function createGuardedDb(options: GuardedDbOptions): GuardedDb {
  const clock = options.clock ?? systemClock;
  const policies = Object.fromEntries(
    QUERY_CLASSES.map((c) => [c, { ...DEFAULT_CLASS_POLICIES[c], ...options.classes?.[c] }]),
  ) as Record<QueryClass, ClassPolicy>;
  const defaultClass = options.defaultQueryClass ?? 'critical';
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 5_000;
  const lagToleranceMs = options.lagToleranceMs ?? 10;
  const emit = (event: GuardEvent) => {
    recorder.record(event);
    options.onEvent?.(event);
  };

  const pool = createPgPool({
    url: options.url,
    max: options.poolSize,
    connectionTimeoutMs: options.connectTimeoutMs ?? 5_000,
    applicationName: options.applicationName,
    onConnectionUse: options.onConnectionUse,
  });
  const canceller = options.cancelBackend ? undefined : createBackendCanceller(options.url);
  const cancelBackend = options.cancelBackend ?? (canceller as NonNullable<typeof canceller>).cancel;

  const limit = createAdaptiveLimit({
    minLimit: Math.min(options.poolSize, 2),
    ...options.limit,
    maxLimit: options.poolSize,
  });
  const bulkheads = createBulkheads({
    shares: Object.fromEntries(QUERY_CLASSES.map((c) => [c, policies[c].share])) as Record<
      QueryClass,
      number
    >,
    borrowReserve: options.borrowReserve ?? 0.25,
  });
  const heavyBudget =
    options.heavyTimeBudgetMsPerSecond && options.heavyTimeBudgetMsPerSecond > 0
      ? createTimeBudget({ msPerSecond: options.heavyTimeBudgetMsPerSecond, start: clock.now() })
      : undefined;
  const criticalActiveMs = options.criticalActiveMs ?? 1_000;
  let lastCriticalAt = Number.NEGATIVE_INFINITY;
  let budgetTimer: TimerHandle | undefined;
  // Heavy waits for its budget only while critical work is about: alone, it may use the database.
  const criticalActive = (now: number) =>
    now - lastCriticalAt < criticalActiveMs || queue.waiting('critical') > 0;
  const heavyRate = options.heavyTimeBudgetMsPerSecond ?? 0;
  const heavyOverloadedRate = options.heavyTimeBudgetOverloadedMsPerSecond ?? heavyRate;
  // The rate follows the critical lane's regime as of its last event.
  const heavyBudgetNow = (now: number) => {
    heavyBudget?.setRate(queue.mode('critical') === 'lifo' ? heavyOverloadedRate : heavyRate, now);
    return heavyBudget;
  };
  const heavyOverBudget = (): boolean => {
    if (!heavyBudget) return false;
    const now = clock.now();
    if (!criticalActive(now) || heavyBudgetNow(now)?.available(now)) return false;
    if (budgetTimer === undefined) {
      budgetTimer = clock.setTimer(() => {
        budgetTimer = undefined;
        queue.drain();
      }, heavyBudget.refillDelay(now));
    }
    return true;
  };
  const holds = createHoldTimes(QUERY_CLASSES);
  /**
   * The slots a class drains through now, for the queue's estimate of a newcomer's wait. A class gets
   * its share, less one slot for each lower class waiting (see bulkheads.ts: no waiting class is
   * starved); behind a higher class that is waiting too, it gets the one slot it is owed.
   */
  const slotsUnderContention = (key: QueryClass): number => {
    const rank = QUERY_CLASSES.indexOf(key);
    const waitingAt = (k: QueryClass) => queue.waiting(k) > 0;
    if (QUERY_CLASSES.slice(0, rank).some(waitingAt)) return 1;
    const share = Math.floor(policies[key].share * limit.limit);
    return Math.max(1, Math.min(share, limit.limit - QUERY_CLASSES.slice(rank + 1).filter(waitingAt).length));
  };
  const queue = createAdmissionQueue<QueryClass>({
    clock,
    keys: QUERY_CLASSES,
    reserveMs: 1,
    ...options.queue,
    drainRate: (key) => ({ slots: slotsUnderContention(key), holdMs: holds.mean(key) }),
    tryTake: (key, waiting, continuing) => {
      // A request's later statements (a listing's rows after its page of ids) are not held back for
      // the budget: the request has spent its share already, and waiting for a refill would hold
      // it to its deadline. They are charged all the same, so the next newcomers wait longer.
      if (key === 'heavy' && !continuing && heavyOverBudget()) return 'class-full';
      // Heavy waiters held back by the budget are owed no slot: it would stay idle until the refill.
      const canTake = (k: QueryClass) => (k === 'heavy' && heavyOverBudget() ? 0 : waiting(k));
      const taken = bulkheads.tryTake(key, limit.limit, canTake);
      if (taken === 'taken' && key === 'critical') lastCriticalAt = clock.now();
      return taken;
    },
  });
  const recorder = createStatsRecorder();
  // The statement_timeout each pooled connection currently has; SET only when the class changes it.
  const timeouts = new WeakMap<pg.PoolClient, number>();
  let closed = false;

  const contextNow = (): RequestContext =>
    currentRequestContext() ?? { deadline: clock.now() + defaultTimeoutMs, queryClass: defaultClass };

  const freeSlot = (queryClass: QueryClass, admittedAt?: number) => {
    if (admittedAt !== undefined) holds.record(queryClass, clock.monotonic() - admittedAt);
    bulkheads.release(queryClass);
    queue.drain();
  };

  const connect = async (ctx: RequestContext): Promise<pg.PoolClient> => {
    const connecting = pool.connect();
    const watch = watchDeadline(ctx, clock);
    try {
      const winner = await Promise.race([
        connecting.then((client) => ({ client })),
        watch.fired.then((reason) => ({ reason })),
      ]);
      if ('client' in winner) return winner.client;
      // The connection still arrives later: hand it back to the pool then, and only then the slot.
      connecting.then(
        (client) => {
          client.release();
          freeSlot(ctx.queryClass);
        },
        () => freeSlot(ctx.queryClass),
      );
      throw winner.reason === 'aborted'
        ? new BulwarkError('DATA_ERR_CANCELLED', 'the client went away while a connection was opened')
        : new BulwarkError(
            'DATA_ERR_UNAVAILABLE',
            "no connection could be opened before the request's deadline",
          );
    } catch (err) {
      if (!(err instanceof BulwarkError)) freeSlot(ctx.queryClass);
      throw translateDbError(err);
    } finally {
      watch.dispose();
    }
  };

  /** Admission, a slot and a connection with the class's statement_timeout; throws at the edge. */
  const lease = async (): Promise<{ lease: Lease; ctx: RequestContext }> => {
    if (closed) throw new BulwarkError('DATA_ERR_UNAVAILABLE', 'the database handle is closed');
    const ctx = contextNow();
    ctx.reachedDatabase = true;
    const admission = await queue.acquire(ctx.queryClass, ctx.deadline, ctx.signal, ctx.admitted === true);
    if (!admission.ok) {
      emit({
        type: 'rejected',
        queryClass: ctx.queryClass,
        reason: admission.reason,
        waitedMs: admission.waitedMs,
      });
      if (admission.reason === 'aborted')
        throw new BulwarkError('DATA_ERR_CANCELLED', 'the client went away before the query ran');
      throw new BulwarkError('DATA_ERR_OVERLOADED', REJECTION_MESSAGES[admission.reason]);
    }
    ctx.admitted = true;
    emit({ type: 'admitted', queryClass: ctx.queryClass, waitedMs: admission.waitedMs });
    const admittedAt = clock.monotonic();
    const client = await connect(ctx);
    const held = new Lease(client, ctx, clock, cancelBackend, admittedAt, {
      onStatement(durationMs, outcome) {
        // Charged only beside critical work: time heavy used alone took nothing from anyone.
        if (ctx.queryClass === 'heavy' && heavyBudget && criticalActive(clock.now())) {
          heavyBudgetNow(clock.now())?.charge(durationMs, clock.now());
        }
        if (outcome === 'aborted') return; // a client leaving says nothing about the database
        emit({ type: 'query', queryClass: ctx.queryClass, durationMs, ok: outcome === 'ok' });
        const dropped = outcome === 'timeout' || outcome === 'deadline';
        if (dropped || (options.workerLagMs?.() ?? 0) <= lagToleranceMs) {
          limit.onSample(durationMs, bulkheads.total, dropped);
        }
        queue.drain(); // the limit may have grown
      },
      onCancel: (reason) => emit({ type: 'cancelled', queryClass: ctx.queryClass, reason }),
    });
    const wanted = policies[ctx.queryClass].statementTimeoutMs;
    if (!timeoutFits(timeouts.get(client), wanted, ctx.deadline - clock.now())) {
      try {
        // An integer from our own config, so inlining it is safe; SET takes no parameters.
        await held.run(`SET statement_timeout = ${Math.max(0, Math.floor(wanted))}`);
        timeouts.set(client, wanted);
      } catch (err) {
        giveBack(held, ctx.queryClass, false);
        throw err;
      }
    }
    return { lease: held, ctx };
  };

  /** Returns the connection and the slot once nothing runs on it; rolls back first when asked. */
  const giveBack = (held: Lease, queryClass: QueryClass, rollback: boolean, broken?: Error) => {
    // A connection the server dropped must never serve another request: destroy it.
    if (broken) {
      held.client.release(broken);
      freeSlot(queryClass, held.admittedAt);
      return;
    }
    // The common case, at once: the next request must not queue for a slot that is really free.
    if (!rollback && held.idle) {
      held.client.release();
      freeSlot(queryClass, held.admittedAt);
      return;
    }
    const done = held.settled().then(async () => {
      if (!rollback) return held.client.release();
      await held.client.query('ROLLBACK').then(
        () => held.client.release(),
        // A failed ROLLBACK means the connection is broken: destroy it rather than reuse it.
        (err: Error) => held.client.release(err),
      );
    });
    done.then(
      () => freeSlot(queryClass, held.admittedAt),
      () => freeSlot(queryClass, held.admittedAt),
    );
  };

  return {
    async query(text, values) {
      const { lease: held, ctx } = await lease();
      let broken: Error | undefined;
      try {
        options.onQuery?.(text, values);
        return await held.run(text, values);
      } catch (err) {
        broken = connectionLost(err);
        throw err;
      } finally {
        giveBack(held, ctx.queryClass, false, broken);
      }
    },
    async transaction(fn) {
      const { lease: held, ctx } = await lease();
      try {
        await held.run('BEGIN');
        const tx: Queryable = {
          query: (text, values) => {
            options.onQuery?.(text, values);
            return held.run(text, values);
          },
        };
        const result = await fn(tx);
        // Not watched: cancelling a COMMIT leaves the caller unsure whether its write happened.
        await held.run('COMMIT', undefined, false);
        giveBack(held, ctx.queryClass, false);
        return result;
      } catch (err) {
        giveBack(held, ctx.queryClass, true, connectionLost(err));
        throw translateDbError(err);
      }
    },
    async close() {
      closed = true;
      if (budgetTimer !== undefined) clock.clearTimer(budgetTimer);
      await Promise.all([pool.end(), canceller?.close()]);
    },
    poolStats: () => poolStatsOf(pool, options.poolSize),
    refusalNow(queryClass, deadline) {
      if (closed) return undefined;
      const reason = queue.refusalOnArrival(queryClass, deadline);
      if (!reason) return undefined;
      emit({ type: 'rejected', queryClass, reason, waitedMs: 0 });
      return new BulwarkError('DATA_ERR_OVERLOADED', REJECTION_MESSAGES[reason]);
    },
    stats() {
      const classes = recorder.classes();
      for (const c of QUERY_CLASSES) {
        classes[c].inflight = bulkheads.inflight(c);
        classes[c].queued = queue.waiting(c);
        classes[c].mode = queue.mode(c);
      }
      return {
        limit: limit.limit,
        poolSize: options.poolSize,
        inflight: bulkheads.total,
        queueLength: queue.length,
        longRttMs: limit.longRttMs,
        shortRttMs: limit.shortRttMs,
        classes,
      };
    },
  };
}
