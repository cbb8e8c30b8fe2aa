import type pg from 'pg';
import { BulwarkError } from '../../errors/index.js';
import { translateDbError } from '../db.js';
import type { CancelBackend } from './backend-canceller.js';
import type { Clock } from './clock.js';
import { watchDeadline } from './deadline-watch.js';
import type { CancelReason } from './guard-stats.js';
import type { RequestContext } from './request-context.js';

/** What a lease reports back to the guard: each statement's time, and each cancellation. */
export interface LeaseHooks {
  onStatement(durationMs: number, outcome: 'ok' | 'error' | 'timeout' | CancelReason): void;
  onCancel(reason: CancelReason): void;
}

/**
 * One admitted request's hold on one connection. Statements run against the request's deadline; when
 * it passes (or the client leaves) the caller gets a 503 at once and the backend gets a cancel. The
 * connection and the slot are given back only once the statement and the cancel have both settled:
 * a cancel that arrived late would otherwise hit the next request's query on the same backend.
 */
export class Lease {
  // Settles when nothing runs on the connection any more; every next step waits for it.
  private busy: Promise<unknown> = Promise.resolve();
  /** Whether a statement was abandoned to a cancel: only then may something still run after `run`. */
  private abandoned = false;

  constructor(
    readonly client: pg.PoolClient,
    private readonly ctx: RequestContext,
    private readonly clock: Clock,
    private readonly cancelBackend: CancelBackend,
    /** When the slot was granted (the clock's monotonic ms): the hold the guard measures. */
    readonly admittedAt: number,
    private readonly hooks: LeaseHooks,
  ) {}

  /** Runs one statement; `watched: false` for COMMIT, which must not be cancelled half-way. */
  async run<R extends pg.QueryResultRow>(
    text: string,
    values?: unknown[],
    watched = true,
  ): Promise<pg.QueryResult<R>> {
    await this.busy;
    if (watched) {
      if (this.ctx.signal?.aborted) throw cancelledError('aborted');
      if (this.clock.now() >= this.ctx.deadline) throw cancelledError('deadline');
    }
    const started = this.clock.monotonic();
    const pending = this.client.query<R>(text, values);
    this.busy = pending.catch(() => {});
    const watch = watched ? watchDeadline(this.ctx, this.clock) : undefined;
    try {
      const winner = await Promise.race([
        pending.then((result) => ({ result })),
        ...(watch ? [watch.fired.then((reason) => ({ reason }))] : []),
      ]);
      if ('reason' in winner) {
        this.cancel(winner.reason);
        this.hooks.onStatement(this.clock.monotonic() - started, winner.reason);
        throw cancelledError(winner.reason);
      }
      this.hooks.onStatement(this.clock.monotonic() - started, 'ok');
      return winner.result;
    } catch (err) {
      if (err instanceof BulwarkError) throw err;
      const timedOut = (err as { code?: string }).code === '57014';
      this.hooks.onStatement(this.clock.monotonic() - started, timedOut ? 'timeout' : 'error');
      throw translateDbError(err);
    } finally {
      watch?.dispose();
    }
  }

  /** True when nothing can still run on the connection, so it may be given back synchronously. */
  get idle(): boolean {
    return !this.abandoned;
  }

  /** Resolves once nothing runs on the connection: the last statement and any cancel have settled. */
  settled(): Promise<void> {
    return this.busy.then(() => {});
  }

  private cancel(reason: CancelReason) {
    this.hooks.onCancel(reason);
    this.abandoned = true;
    const pid = (this.client as unknown as { processID: number | null }).processID;
    if (pid === null) return;
    let done = false;
    const settled = this.busy.then(() => {
      done = true;
    });
    // A cancel that reaches the backend before it has started the statement is ignored by PostgreSQL
    // (it is idle, reading the command), so it is sent again until the statement has ended.
    const attempts = async () => {
      for (let i = 0; i < CANCEL_ATTEMPTS && !done; i++) {
        await this.cancelBackend(pid).catch(() => false);
        await Promise.race([settled, this.sleep(CANCEL_RETRY_MS)]);
      }
    };
    this.busy = Promise.all([settled, attempts()]);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(resolve, ms));
  }
}

// Past these, the class's statement_timeout is what stops the statement.
const CANCEL_ATTEMPTS = 8;
const CANCEL_RETRY_MS = 250;

function cancelledError(reason: CancelReason): BulwarkError {
  return new BulwarkError(
    'DATA_ERR_CANCELLED',
    reason === 'deadline'
      ? "the query was cancelled: the request's deadline passed"
      : 'the query was cancelled: the client went away',
  );
}
