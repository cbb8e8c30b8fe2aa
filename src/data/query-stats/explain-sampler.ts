import pg from 'pg';
import { isExplainable } from './explain-policy.js';
import type { Fingerprint } from './fingerprint.js';
import { type PlanShape, summarisePlan } from './plan-summary.js';
import type { QueryStats, StatsClock } from './query-stats.js';

/** The one connection the explainer uses; a `pg.Client` fits. */
export interface ExplainConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

/** What happened to a slow statement's EXPLAIN. */
export type ExplainOutcome = 'captured' | 'failed' | 'not-select' | 'dropped';

/**
 * The one log line per sampled slow statement. It names the fingerprint and the statement's shape,
 * never its parameter values or the database's error message (which can quote a value).
 */
export interface SlowQueryLogEntry {
  msg: 'slow query';
  fingerprint: string;
  query: string;
  durationMs: number;
  thresholdMs: number;
  explain: ExplainOutcome;
  plan?: PlanShape;
  /** SQLSTATE or error code of a failed EXPLAIN. */
  errorCode?: string;
}

export interface ExplainSamplerOptions {
  stats: QueryStats;
  /** Where to open the explainer's own connection; or give `connect`. */
  url?: string;
  connect?: () => Promise<ExplainConnection>;
  /** A statement slower than this is a candidate (200 ms). */
  thresholdMs?: number;
  /** A fingerprint is explained at most once per this period (5 min). */
  cooldownMs?: number;
  /** The explainer's statement_timeout (2 s): planning a sane query takes milliseconds. */
  statementTimeoutMs?: number;
  /** The explainer's lock_timeout (200 ms): planning waits for table locks, e.g. behind a migration. */
  lockTimeoutMs?: number;
  applicationName?: string;
  /** Slow statements waiting for the explainer (8); beyond, they are logged without a plan. */
  maxPending?: number;
  clock?: StatsClock;
  log?: (entry: SlowQueryLogEntry) => void;
}

/** One execution offered for sampling; `values` are used for the EXPLAIN only, never kept or logged. */
export interface SlowQueryCandidate {
  fingerprint: Fingerprint;
  text: string;
  values?: readonly unknown[];
  durationMs: number;
}

export interface ExplainCounters {
  explained: number;
  failed: number;
  notSelect: number;
  dropped: number;
  connectionsOpened: number;
}

export interface ExplainSampler {
  /** Cheap and synchronous: a comparison unless the statement is slow and due for a plan. */
  offer(candidate: SlowQueryCandidate): void;
  /** Settles when nothing is queued or running (for tests and shutdown). */
  idle(): Promise<void>;
  counters(): ExplainCounters;
  close(): Promise<void>;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * Samples slow statements and EXPLAINs them (without ANALYZE: nothing runs) one at a time on a
 * connection of its own, opened on first need, so a plan never takes a connection the service needs
 * and a burst of slow queries cannot turn into a burst of EXPLAINs. The plan summary goes to the
 * fingerprint's stats and to one log line.
 */
export function createExplainSampler(options: ExplainSamplerOptions): ExplainSampler {
  const clock = options.clock ?? { now: () => Date.now() };
  const thresholdMs = options.thresholdMs ?? 200;
  const cooldownMs = options.cooldownMs ?? 300_000;
  const maxPending = options.maxPending ?? 8;
  const log = options.log ?? (() => {});
  const connect =
    options.connect ??
    (async (): Promise<ExplainConnection> => {
      if (!options.url) throw new Error('createExplainSampler needs `url` or `connect`');
      const client = new pg.Client({
        connectionString: options.url,
        application_name: options.applicationName ?? 'bulwark-explain',
        statement_timeout: options.statementTimeoutMs ?? 2_000,
        lock_timeout: options.lockTimeoutMs ?? 200,
        connectionTimeoutMillis: 2_000,
      });
      // A lost connection emits 'error'; the next EXPLAIN fails and a new connection is opened.
      client.on('error', () => {});
      await client.connect();
      return client;
    });

  const lastExplained = new Map<string, number>();
  const queue: SlowQueryCandidate[] = [];
  const counters: ExplainCounters = {
    explained: 0,
    failed: 0,
    notSelect: 0,
    dropped: 0,
    connectionsOpened: 0,
  };
  let conn: ExplainConnection | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const due = (id: string, now: number) => {
    const last = lastExplained.get(id);
    if (last !== undefined && now - last < cooldownMs) return false;
    if (lastExplained.size >= 4096) {
      for (const [k, t] of lastExplained) if (now - t >= cooldownMs) lastExplained.delete(k);
      if (lastExplained.size >= 4096) lastExplained.clear();
    }
    lastExplained.set(id, now);
    return true;
  };

  const entry = (c: SlowQueryCandidate, explain: ExplainOutcome): SlowQueryLogEntry => ({
    msg: 'slow query',
    fingerprint: c.fingerprint.id,
    query: c.fingerprint.text,
    durationMs: Math.round(c.durationMs * 1000) / 1000,
    thresholdMs,
    explain,
  });

  const explainOne = async (c: SlowQueryCandidate) => {
    try {
      if (!conn) {
        conn = await connect();
        counters.connectionsOpened++;
      }
      const { rows } = await conn.query(`EXPLAIN (FORMAT JSON) ${c.text}`, c.values ? [...c.values] : []);
      const shape = summarisePlan(rows[0]?.['QUERY PLAN']);
      options.stats.attachPlan(c.fingerprint.id, {
        ...shape,
        capturedAt: clock.now(),
        durationMs: c.durationMs,
      });
      counters.explained++;
      log({ ...entry(c, 'captured'), plan: shape });
    } catch (err) {
      counters.failed++;
      const code = String((err as { code?: unknown })?.code ?? 'unknown');
      // A database error leaves the connection usable; anything else (network, protocol) may not.
      if (!SQLSTATE.test(code) && conn) {
        const broken = conn;
        conn = undefined;
        await broken.end().catch(() => {});
      }
      log({ ...entry(c, 'failed'), errorCode: code });
    }
  };

  const pump = async () => {
    for (let next = queue.shift(); next && !closed; next = queue.shift()) await explainOne(next);
    running = undefined;
  };

  return {
    offer(c) {
      if (c.durationMs < thresholdMs || closed) return;
      if (!due(c.fingerprint.id, clock.now())) return;
      if (!isExplainable(c.text)) {
        counters.notSelect++;
        log(entry(c, 'not-select'));
        return;
      }
      if (queue.length >= maxPending) {
        lastExplained.delete(c.fingerprint.id); // not explained: due again at its next slow call
        counters.dropped++;
        log(entry(c, 'dropped'));
        return;
      }
      queue.push({ ...c, ...(c.values ? { values: [...c.values] } : {}) });
      running ??= pump();
    },
    async idle() {
      while (running !== undefined) await running;
    },
    counters: () => ({ ...counters }),
    async close() {
      closed = true;
      queue.length = 0;
      await running;
      await conn?.end().catch(() => {});
      conn = undefined;
    },
  };
}
