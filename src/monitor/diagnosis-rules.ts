import type { SuspectComponent } from '../telemetry/index.js';
import type { DiagnosisInput, DiagnosisWindow, QueryWindow } from './diagnosis-input.js';
import { suggestIndex, worstSeqScan } from './index-suggestion.js';

/** One component's reading: how much of the time it holds and how abnormal it is. */
export interface Candidate {
  component: SuspectComponent;
  target?: string;
  /** Share of request time it accounts for (0..1). */
  impact: number;
  /** How far from normal (0 = normal .. 1 = clearly broken), after what other causes explain. */
  anomaly: number;
  summary: string;
  evidence: string[];
  suggestion?: string;
  /** The line printed when the component is normal. */
  healthy: string;
}

/** Reference values used when there is no baseline yet (loopback, a healthy small database). */
export const NORMAL = {
  queryMeanMs: 2,
  roundTripMs: 0.5,
  eventLoopDelayP99Ms: 20,
  dependencyMeanMs: 50,
} as const;

const ms = (x: number) =>
  x >= 100 ? `${Math.round(x)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
/** 3× → 0.32, 10× → 0.67, 30× and more → 1. */
const ratioAnomaly = (ratio: number) => (ratio < 3 ? 0 : clamp01(Math.log10(ratio) / Math.log10(30)));
const shorten = (text: string, n = 90) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** Mean executing sessions from which the server, not the network, is taken to slow SELECT 1. */
export const DB_BUSY_SESSIONS = 1.5;

/** Facts every rule shares, computed once. */
export interface Context {
  cur: DiagnosisWindow;
  base: DiagnosisWindow | null;
  /** Request time, the denominator of every share (at least 1 ms). */
  requestMs: number;
  /** Extra round trip to the database compared with normal, ms (0 when not anomalous or the server is busy). */
  rttExtraMs: number;
  /** The round trip is up, whatever the cause. */
  rttUp: boolean;
  /** The statements slowed by at least most of the round trip's growth. */
  rttPaid: boolean;
  /** Sessions executing statements at or above DB_BUSY_SESSIONS. */
  dbBusy: boolean;
  /** Extra event-loop delay compared with normal, ms (0 when not anomalous). */
  loopExtraMs: number;
  /** Mean statement time now over normal. */
  serviceInflation: number;
  input: DiagnosisInput;
}

export function context(input: DiagnosisInput): Context {
  const cur = input.current;
  const base = input.baseline;
  const requestMs = Math.max(1, cur.requestMs, cur.poolWaitMs + cur.queryMs + cur.cacheMs + outboundMs(cur));
  const rttNow = cur.dbRoundTripMs;
  const rttBase = base?.dbRoundTripMs ?? NORMAL.roundTripMs;
  // A busy server answers SELECT 1 late too: only a slow round trip to an idle server is the network.
  const dbBusy = (cur.dbActive ?? 0) >= DB_BUSY_SESSIONS;
  const rttUp = rttNow !== null && rttNow - rttBase >= 2 && rttNow / Math.max(rttBase, 0.2) >= 3;
  const meanNow = cur.queryCalls > 0 ? cur.queryMs / cur.queryCalls : 0;
  const meanBase =
    base && base.queryCalls > 0 ? Math.max(0.05, base.queryMs / base.queryCalls) : NORMAL.queryMeanMs;
  // Every statement crosses the network at least once: a round trip that grew by more than the
  // statements did is the probe waiting for a CPU on a crowded host, not the path.
  const paidByStatements = rttNow !== null && meanNow - meanBase >= 0.7 * (rttNow - rttBase);
  const rttExtraMs = rttUp && !dbBusy && paidByStatements && rttNow !== null ? rttNow - rttBase : 0;
  const loopBase = Math.max(base?.workers.eventLoopDelayP99Ms ?? NORMAL.eventLoopDelayP99Ms, 10);
  const loopNow = cur.workers.eventLoopDelayP99Ms;
  // Workers that want a whole core and whose loop is never idle delay everything they time, even
  // when a crowded host had already taught the baseline a long loop delay.
  const w = cur.workers;
  const workersSaturated = Math.min(1, w.cpu + w.cpuWait) >= 0.85 && w.eventLoopUtilisation >= 0.9;
  // On such a host the delay's baseline can exceed today's delay: then the jump in utilisation is
  // the evidence, and half the current delay is what the loop adds to what the worker times.
  const eluJump = w.eventLoopUtilisation - (base?.workers.eventLoopUtilisation ?? 0.5) >= 0.4;
  const loopExtraMs =
    loopNow >= 3 * loopBase && loopNow >= 40
      ? loopNow - loopBase
      : workersSaturated && eluJump
        ? Math.max(loopNow - loopBase, loopNow / 2, 20)
        : workersSaturated && loopNow - loopBase >= 20
          ? loopNow - loopBase
          : 0;
  return {
    cur,
    base,
    requestMs,
    dbBusy,
    rttUp,
    rttPaid: paidByStatements,
    rttExtraMs,
    loopExtraMs,
    serviceInflation: meanNow / meanBase,
    input,
  };
}

/** What already explains statements being slower: the words for a healthy line. */
export function explainers(c: Context): string[] {
  const out: string[] = [];
  if (c.rttExtraMs > 0) out.push(`the network (+${ms(c.rttExtraMs)} a round trip)`);
  if (c.loopExtraMs > 0) out.push(`the workers' blocked event loop (+${ms(c.loopExtraMs)})`);
  if (c.cur.locks.waiting > 0) out.push('the lock wait');
  return out;
}

export const outboundMs = (w: DiagnosisWindow) => w.dependencies.reduce((s, d) => s + d.totalMs, 0);

/** Requests waiting for connections, not explained by statements that got slower. */
export function poolRule(c: Context): Candidate {
  const { cur } = c;
  const share = cur.poolWaitMs / c.requestMs;
  const saturated = cur.pool.size > 0 && (cur.pool.busy >= cur.pool.size || cur.pool.waiting > 0);
  // Statements that take longer hold connections longer: then the queue is a symptom, not the cause.
  const explained = c.serviceInflation >= 2 ? 1 - 1 / c.serviceInflation : 0;
  // Some queueing is normal under load: what counts is the share above the baseline's.
  const baseShare = c.base && c.base.requestMs > 0 ? c.base.poolWaitMs / c.base.requestMs : 0;
  const excess = share - baseShare;
  const anomaly =
    share < 0.05 || excess < 0.1
      ? 0
      : clamp01((saturated ? 1 : 0.5) * (1 - explained) * clamp01(excess / 0.3));
  const meanQuery = cur.queryCalls > 0 ? cur.queryMs / cur.queryCalls : 0;
  const rate = cur.durationS > 0 ? cur.queryCalls / cur.durationS : 0;
  const evidence = [
    `${pct(share)} of request time is waiting for a database connection`,
    `pool ${cur.pool.busy}/${cur.pool.size} busy, ${cur.pool.waiting} waiting`,
    ...(c.base ? [`baseline: ${pct(baseShare)} of request time waiting`] : []),
    `mean statement ${ms(meanQuery)}${c.base ? ` (baseline ${ms(c.base.queryCalls ? c.base.queryMs / c.base.queryCalls : 0)})` : ''} at ${Math.round(rate)} statements/s`,
  ];
  if (explained > 0)
    evidence.push(
      `statements take ${c.serviceInflation.toFixed(1)}× longer than normal: the wait is their consequence`,
    );
  const per = c.input.poolPerWorker;
  return {
    component: 'db.pool',
    impact: share,
    anomaly,
    summary:
      explained > 0
        ? `${pct(share)} of request time is waiting for a connection, because statements hold them ${c.serviceInflation.toFixed(1)}× longer`
        : `${pct(share)} of request time is waiting for a database connection; pool ${cur.pool.busy}/${cur.pool.size} busy, ${cur.pool.waiting} waiting, while statements stay fast (${ms(meanQuery)})`,
    evidence,
    ...(explained > 0
      ? {}
      : {
          suggestion: `the pool is too small for this rate of fast statements: raise database.poolMax${per ? ` (now ${per} per worker)` : ''} within the database's connection budget, or serve the hot reads from the cache`,
        }),
    healthy: `db.pool: ${cur.pool.busy}/${cur.pool.size} busy, ${cur.pool.waiting} waiting, ${pct(share)} of request time waiting, normal`,
  };
}

/** How much of a statement's slowdown the network, the event loop or a lock already explain. */
function explainedShare(c: Context, q: QueryWindow, increase: number): number {
  if (increase <= 0) return 1;
  if (c.cur.locks.blockedFingerprints.includes(q.id)) return 1;
  // A statement is one round trip (two when the guard sets its timeout first).
  const byNetwork = (2 * c.rttExtraMs) / increase;
  const byLoop = c.loopExtraMs / increase;
  return clamp01(Math.max(byNetwork, byLoop));
}

/** The statements that got slower than their own normal, each a candidate. */
export function queryRules(c: Context): Candidate[] {
  const { cur } = c;
  const totalQueryMs = Math.max(1, cur.queryMs);
  return cur.queries
    .filter((q) => q.calls > 0)
    .map((q): Candidate => {
      const before = c.base?.queries.find((b) => b.id === q.id && b.calls >= 3);
      const baseMean = before ? Math.max(before.meanMs, 0.05) : NORMAL.queryMeanMs;
      const increase = q.meanMs - baseMean;
      const ratio = q.meanMs / baseMean;
      const residual = 1 - explainedShare(c, q, increase);
      const scan = worstSeqScan(q.plan);
      const anomaly =
        increase >= 1 ? clamp01(ratioAnomaly(ratio) * residual + (scan && residual > 0.5 ? 0.1 : 0)) : 0;
      // The statement's own time, and its part of the queue it causes by holding connections.
      const impact = clamp01((q.totalMs + cur.poolWaitMs * (q.totalMs / totalQueryMs)) / c.requestMs);
      const rate = cur.durationS > 0 ? q.calls / cur.durationS : 0;
      const evidence = [
        `\`${shorten(q.text)}\` mean went ${ms(baseMean)} → ${ms(q.meanMs)} at ${rate.toFixed(1)} calls/s${before ? '' : ' (no baseline: compared with a normal 2 ms)'}`,
        `${pct(q.totalMs / c.requestMs)} of request time executing it`,
      ];
      if (cur.pool.size > 0 && (cur.pool.busy >= cur.pool.size || cur.pool.waiting > 0))
        evidence.push(
          `pool ${cur.pool.busy}/${cur.pool.size} busy, ${cur.pool.waiting} waiting: ${pct(cur.poolWaitMs / c.requestMs)} of request time is waiting for a connection this statement holds longer`,
        );
      if (scan)
        evidence.push(
          `plan: Seq Scan on ${scan.relation} (${Math.round(scan.estimatedRows).toLocaleString('en')} rows estimated)${scan.filter ? `, filter ${scan.filter}` : ''}`,
        );
      const index = suggestIndex(q.plan);
      return {
        component: 'db.query',
        target: q.id,
        impact,
        anomaly,
        summary: `query \`${shorten(q.text, 60)}\` mean went ${ms(baseMean)} → ${ms(q.meanMs)} at ${rate.toFixed(1)} calls/s${scan ? `; plan: Seq Scan on ${scan.relation}` : ''}`,
        evidence,
        ...(index ? { suggestion: `suggested index: ${index}` } : {}),
        healthy: '',
      };
    });
}

/** All statements slower by about one extra round trip: the path to the database. */
export function networkRule(c: Context): Candidate {
  const { cur } = c;
  const now = cur.dbRoundTripMs;
  const base = c.base?.dbRoundTripMs ?? NORMAL.roundTripMs;
  const ratio = now === null ? 1 : now / Math.max(base, 0.2);
  const anomaly = c.rttExtraMs > 0 ? ratioAnomaly(ratio) : 0;
  const dbShare = (cur.queryMs + cur.poolWaitMs) / c.requestMs;
  const explained = cur.queryMs > 0 ? clamp01((2 * c.rttExtraMs * cur.queryCalls) / cur.queryMs) : 0;
  const rtt = now === null ? 'failed' : ms(now);
  return {
    component: 'db.network',
    impact: clamp01(dbShare * Math.max(explained, anomaly > 0 ? 0.5 : 0)),
    anomaly,
    summary: `the round trip to PostgreSQL went ${ms(base)} → ${rtt}; every statement pays it (${pct(dbShare)} of request time is in the database or waiting for it)`,
    evidence: [
      `SELECT 1 from the supervisor: ${rtt} (baseline ${ms(base)})`,
      `${(cur.dbActive ?? 0).toFixed(1)} sessions executing on the server on average: it is idle while the statements wait`,
      `mean statement ${ms(cur.queryCalls ? cur.queryMs / cur.queryCalls : 0)} over ${cur.queryCalls} statements`,
    ],
    suggestion:
      'check the network path between the workers and PostgreSQL (latency, loss, a proxy or load balancer in between)',
    healthy:
      c.rttUp && c.dbBusy
        ? `db.network: SELECT 1 round trip ${rtt} (baseline ${ms(base)}), but ${(cur.dbActive ?? 0).toFixed(1)} sessions are executing: the server is slow to answer, not the network`
        : c.rttUp && !c.rttPaid
          ? `db.network: SELECT 1 round trip ${rtt} (baseline ${ms(base)}), but the statements did not slow by as much: the probe waited for a CPU, not the network`
          : `db.network: SELECT 1 round trip ${rtt} (baseline ${ms(base)}), normal`,
  };
}

/** Sessions waiting on row or table locks. */
export function lockRule(c: Context): Candidate {
  const { cur } = c;
  const l = cur.locks;
  const blocked = cur.queries.filter((q) => l.blockedFingerprints.includes(q.id));
  const blockedMs = blocked.reduce((s, q) => s + q.totalMs, 0);
  const totalQueryMs = Math.max(1, cur.queryMs);
  const impact =
    blocked.length > 0
      ? clamp01((blockedMs + cur.poolWaitMs * (blockedMs / totalQueryMs)) / c.requestMs)
      : clamp01((cur.queryMs + cur.poolWaitMs) / c.requestMs) * 0.5;
  const anomaly = l.waiting === 0 ? 0 : l.maxWaitMs >= 200 ? 1 : 0.4;
  return {
    component: 'db.lock',
    ...(blocked[0] ? { target: blocked[0].id } : {}),
    impact,
    anomaly,
    summary: `${l.waiting} session${l.waiting === 1 ? '' : 's'} waiting on a lock for up to ${ms(l.maxWaitMs)}${l.blockedQuery ? `: \`${shorten(l.blockedQuery, 60)}\`` : ''}`,
    evidence: [
      `pg_stat_activity: ${l.waiting} waiting with wait_event_type = 'Lock', longest ${ms(l.maxWaitMs)}`,
      ...(l.blockedQuery ? [`blocked: \`${shorten(l.blockedQuery)}\``] : []),
      `${pct(impact)} of request time is in the blocked statements or queued behind them`,
    ],
    suggestion:
      'find the holder with pg_blocking_pids() and end its transaction; keep transactions that touch hot rows short',
    healthy: `db.lock: no session waiting on a lock${l.waiting ? ` (${l.waiting} briefly, ${ms(l.maxWaitMs)})` : ''}, normal`,
  };
}

/** Outbound calls that got slow or fail. */
export function dependencyRules(c: Context): Candidate[] {
  return c.cur.dependencies.map((d): Candidate => {
    const before = c.base?.dependencies.find((b) => b.name === d.name && b.calls >= 3);
    const baseMean = before ? Math.max(before.meanMs, 0.5) : NORMAL.dependencyMeanMs;
    const ratio = d.meanMs / baseMean;
    const errorRate = d.calls > 0 ? d.errors / d.calls : 0;
    const slow = d.meanMs - baseMean >= 5 ? ratioAnomaly(ratio) : 0;
    const anomaly = clamp01(Math.max(slow, errorRate >= 0.2 ? errorRate : 0));
    const impact = clamp01(d.totalMs / c.requestMs);
    const rate = c.cur.durationS > 0 ? d.calls / c.cur.durationS : 0;
    return {
      component: 'dependency',
      target: d.name,
      impact,
      anomaly,
      summary: `${d.name} mean went ${ms(baseMean)} → ${ms(d.meanMs)}${d.p99Ms !== null ? ` (p99 ${ms(d.p99Ms)})` : ''} at ${rate.toFixed(1)} calls/s; ${pct(impact)} of request time`,
      evidence: [
        `${d.name}: ${d.calls} calls, mean ${ms(d.meanMs)}${d.p99Ms !== null ? `, p99 ${ms(d.p99Ms)}` : ''}, ${d.errors} failed or timed out`,
        `${pct(impact)} of request time waiting for ${d.name}`,
      ],
      suggestion: `check ${d.name}; its timeout and circuit breaker bound the damage (fallback: accept and flag for review)`,
      healthy: `dependency ${d.name}: mean ${ms(d.meanMs)}${d.p99Ms !== null ? `, p99 ${ms(d.p99Ms)}` : ''}${before ? ` (baseline mean ${ms(before.meanMs)})` : ''}, ${d.errors} errors, normal`,
    };
  });
}

/** The workers' own CPU and event loop. */
export function cpuRule(c: Context): Candidate {
  const w = c.cur.workers;
  // What the main thread wanted: CPU it got plus time it sat runnable waiting for a core. On a
  // machine whose cores are oversubscribed a spinning worker obtains little CPU but wants it all.
  const demand = Math.min(1, w.cpu + w.cpuWait);
  const busy = demand >= 0.85 || w.eventLoopUtilisation >= 0.85;
  const anomaly = c.loopExtraMs > 0 ? (busy ? 1 : 0.5) : busy && w.eventLoopUtilisation >= 0.95 ? 0.5 : 0;
  const own = Math.max(
    0,
    c.cur.requestMs - c.cur.poolWaitMs - c.cur.queryMs - c.cur.cacheMs - outboundMs(c.cur),
  );
  const meanRequest = c.cur.requests > 0 ? c.requestMs / c.cur.requests : 0;
  // A blocked event loop delays requests before the server's clock starts: count the delay too.
  const loopShare =
    meanRequest + w.eventLoopDelayP99Ms > 0 ? c.loopExtraMs / (meanRequest + c.loopExtraMs) : 0;
  // Statements are timed inside the worker: a busy loop shows as statements that take longer.
  const baseMean = c.base && c.base.queryCalls > 0 ? c.base.queryMs / c.base.queryCalls : NORMAL.queryMeanMs;
  const inflated =
    c.loopExtraMs > 0 ? Math.max(0, c.cur.queryMs - c.cur.queryCalls * baseMean) / c.requestMs : 0;
  const impact = clamp01(Math.max(own / c.requestMs, loopShare, inflated));
  // A loop busy without wanting CPU is blocked on something else (synchronous I/O, a lock wait).
  const component = demand < 0.5 && w.eventLoopUtilisation >= 0.85 ? 'worker.event-loop' : 'worker.cpu';
  const baseLoop = c.base?.workers.eventLoopDelayP99Ms;
  const cpuText =
    w.cpuWait >= 0.2
      ? `${pct(demand)} of a core wanted, ${pct(w.cpu)} obtained (the cores are oversubscribed)`
      : `${pct(w.cpu)} of a core`;
  const loopText = `event-loop delay p99 ${ms(w.eventLoopDelayP99Ms)}${baseLoop !== undefined ? ` (baseline ${ms(baseLoop)})` : ''}`;
  return {
    component,
    impact,
    anomaly,
    summary:
      component === 'worker.cpu'
        ? `the workers are CPU-bound: ${cpuText} each, event-loop utilisation ${w.eventLoopUtilisation.toFixed(2)}, ${loopText}`
        : `the workers' event loop is blocked (utilisation ${w.eventLoopUtilisation.toFixed(2)}, ${loopText}) while they use little CPU (${pct(demand)})`,
    evidence: [
      `worker main thread: ${cpuText} (mean of ${w.count}), event-loop utilisation ${w.eventLoopUtilisation.toFixed(2)}`,
      loopText,
      `${pct(own / c.requestMs)} of request time is the workers' own (not database, cache or outbound)`,
    ],
    suggestion:
      component === 'worker.cpu'
        ? 'profile a worker (node --cpu-prof) for the hot code; more workers help only while the cores are not all busy'
        : 'look for synchronous work in the request path (fs.*Sync, a large JSON.parse, crypto without a callback)',
    healthy: `worker.cpu: ${cpuText}, event-loop delay p99 ${ms(w.eventLoopDelayP99Ms)}, normal`,
  };
}

/** Many statements slower at once, with no network, lock or single-statement explanation. */
export function serverRule(c: Context): Candidate {
  const { cur } = c;
  const slowed = cur.queries.filter((q) => {
    const b = c.base?.queries.find((x) => x.id === q.id && x.calls >= 3);
    return b && q.meanMs >= 3 * Math.max(b.meanMs, 0.05) && q.meanMs - b.meanMs >= 1;
  });
  const compared = cur.queries.filter((q) => c.base?.queries.some((x) => x.id === q.id && x.calls >= 3));
  const spread = compared.length >= 3 ? slowed.length / compared.length : 0;
  const explained = c.rttExtraMs > 0 || c.loopExtraMs > 0 || cur.locks.waiting > 0;
  const anomaly = !explained && spread >= 0.6 ? clamp01(spread) * 0.8 : 0;
  return {
    component: 'db.server',
    impact: clamp01((cur.queryMs + cur.poolWaitMs) / c.requestMs),
    anomaly,
    summary: `${slowed.length} of ${compared.length} statements are at least 3× slower at once: the database server itself is saturated`,
    evidence: [
      `${slowed.length}/${compared.length} fingerprints slower than their baseline mean by 3× or more`,
    ],
    suggestion: "look at the database host's CPU and I/O, and pg_stat_activity for what runs",
    healthy:
      slowed.length === 0
        ? `db.server: no statement slower than its normal, normal`
        : explained
          ? `db.server: ${slowed.length} of ${compared.length} statements slower, explained by ${explainers(c).join(' and ')}, not the server`
          : `db.server: only ${slowed.length} of ${compared.length} statements slower, not a server-wide slowdown`,
  };
}

/** A cache that stopped serving. */
export function cacheRule(c: Context): Candidate {
  const { cur, base } = c;
  const ratio = (w: DiagnosisWindow) => {
    const n = w.cacheHits + w.cacheMisses;
    return n > 0 ? w.cacheHits / n : null;
  };
  const now = ratio(cur);
  const before = base ? ratio(base) : null;
  const drop = now !== null && before !== null ? before - now : 0;
  const anomaly = drop >= 0.3 ? clamp01(drop) : 0;
  const fmt = (r: number | null) => (r === null ? 'n/a' : pct(r));
  return {
    component: 'cache',
    impact: clamp01((cur.cacheMs + cur.queryMs * drop) / c.requestMs),
    anomaly,
    summary: `the cache hit ratio fell ${fmt(before)} → ${fmt(now)}: reads it served now reach the database`,
    evidence: [`hits ${cur.cacheHits}, misses ${cur.cacheMisses}, ${ms(cur.cacheMs)} in the cache`],
    suggestion: 'check what invalidates the cache (writes to the tables it reads) and its memory bound',
    healthy: `cache: hit ratio ${fmt(now)}${before !== null ? ` (baseline ${fmt(before)})` : ''}, normal`,
  };
}
