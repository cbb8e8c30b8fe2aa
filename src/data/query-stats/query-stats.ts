import { Aggregate, type QuerySample, type WindowStats } from './aggregate.js';
import { type Fingerprint, fingerprint } from './fingerprint.js';
import type { PlanSummary } from './plan-summary.js';

/** Wall-clock milliseconds; the guard's `Clock` fits. */
export interface StatsClock {
  now(): number;
}

export interface QueryStatsOptions {
  clock?: StatsClock;
  /** Distinct fingerprints kept (500); beyond, calls count in one `other` entry. */
  maxFingerprints?: number;
  /** Width of a time bucket (10 s). */
  bucketMs?: number;
  /** Buckets in the recent window (6: the last minute). */
  windowBuckets?: number;
  /**
   * Half-life of the baseline (5 min): buckets that leave the recent window fold into it with
   * exponential decay, so it remembers "normal" for minutes and never includes the recent window.
   */
  baselineHalfLifeMs?: number;
  /** A fingerprint with no call for this long (10 min) may give its place to a new one. */
  idleEvictMs?: number;
  /** Display length of a fingerprint's text (500). */
  maxTextLength?: number;
}

/** One statement's execution: its text (never its values) and what it cost. */
export interface QueryRecord extends QuerySample {
  text: string;
}

/** One fingerprint's numbers, as plain JSON. */
export interface FingerprintStats {
  id: string;
  text: string;
  firstSeen: number;
  lastSeen: number;
  /** The recent window (the last minute by default). */
  recent: WindowStats;
  /** Before the recent window, exponentially decayed; null until a bucket has left the window. */
  baseline: WindowStats | null;
  /** Since the first call. */
  total: WindowStats;
  /** The latest sampled EXPLAIN, if the statement was ever slow. */
  plan: PlanSummary | null;
}

export interface QueryStatsSnapshot {
  at: number;
  windowMs: number;
  baselineHalfLifeMs: number;
  fingerprints: number;
  maxFingerprints: number;
  /** Calls counted in `other` since start because the table was full. */
  overflowCalls: number;
  /** Ranked by execution time spent, in the recent window or since start. */
  queries: FingerprintStats[];
}

export type Ranking = 'recent' | 'total';

export interface QueryStats {
  /** Counts one execution; returns its fingerprint (its own, even when counted in `other`). */
  record(input: QueryRecord): Fingerprint;
  /** A wait for a connection measured apart from its statement; counts no call. */
  recordPoolWait(text: string, ms: number): void;
  /** The (memoised) fingerprint of a statement. */
  fingerprintOf(text: string): Fingerprint;
  /** Keeps an EXPLAIN summary with its fingerprint (ignored if the fingerprint is gone). */
  attachPlan(id: string, plan: PlanSummary): void;
  snapshot(options?: { rank?: Ranking }): QueryStatsSnapshot;
  top(n: number, rank?: Ranking): FingerprintStats[];
}

interface Slot {
  epoch: number;
  agg: Aggregate;
}

interface Entry {
  fp: Fingerprint;
  firstSeen: number;
  lastSeen: number;
  total: Aggregate;
  slots: (Slot | undefined)[];
  baseline: Aggregate | undefined;
  baselineEpoch: number;
  plan: PlanSummary | undefined;
}

export const OTHER_ID = 'other';
const OTHER: Fingerprint = { id: OTHER_ID, text: 'other (more distinct statements than maxFingerprints)' };

/**
 * Per-fingerprint calls, errors, rows, execution time and pool wait, since start, over the last
 * minute, and as a decayed baseline from before that minute, so a reader can say "p50 went 0.4 →
 * 180 ms". Memory is bounded: at most `maxFingerprints` entries, each at most `windowBuckets + 2`
 * aggregates of sparse histograms.
 */
export function createQueryStats(options: QueryStatsOptions = {}): QueryStats {
  const clock = options.clock ?? { now: () => Date.now() };
  const maxFingerprints = options.maxFingerprints ?? 500;
  const bucketMs = options.bucketMs ?? 10_000;
  const buckets = options.windowBuckets ?? 6;
  const halfLifeMs = options.baselineHalfLifeMs ?? 300_000;
  const idleEvictMs = options.idleEvictMs ?? 600_000;
  const maxTextLength = options.maxTextLength ?? 500;
  const decay = 0.5 ** (bucketMs / halfLifeMs);

  const entries = new Map<string, Entry>();
  // Texts with inline literals are unbounded in number: the memo is cleared rather than grown.
  const memo = new Map<string, Fingerprint>();
  const memoMax = maxFingerprints * 4;
  let overflowCalls = 0;
  let lastEvictEpoch = Number.NEGATIVE_INFINITY;

  const epochOf = (t: number) => Math.floor(t / bucketMs);
  const named = () => entries.size - (entries.has(OTHER_ID) ? 1 : 0);

  const fingerprintOf = (text: string): Fingerprint => {
    let fp = memo.get(text);
    if (!fp) {
      if (memo.size >= memoMax) memo.clear();
      fp = fingerprint(text, { maxLength: maxTextLength });
      memo.set(text, fp);
    }
    return fp;
  };

  const newEntry = (fp: Fingerprint, now: number): Entry => ({
    fp,
    firstSeen: now,
    lastSeen: now,
    total: new Aggregate(),
    slots: new Array(buckets).fill(undefined),
    baseline: undefined,
    baselineEpoch: 0,
    plan: undefined,
  });

  /** Moves buckets that have left the window into the baseline, oldest first. */
  const fold = (e: Entry, epoch: number) => {
    const expired = e.slots.filter((s): s is Slot => s !== undefined && s.epoch <= epoch - buckets);
    if (expired.length === 0) return;
    expired.sort((a, b) => a.epoch - b.epoch);
    for (const s of expired) {
      if (!e.baseline) e.baseline = new Aggregate();
      else e.baseline.scale(decay ** (s.epoch - e.baselineEpoch));
      e.baselineEpoch = s.epoch;
      e.baseline.add(s.agg);
      e.slots[e.slots.indexOf(s)] = undefined;
    }
  };

  const evictIdle = (now: number) => {
    const epoch = epochOf(now);
    if (epoch === lastEvictEpoch) return; // a full table is scanned at most once per bucket
    lastEvictEpoch = epoch;
    for (const [id, e] of entries) if (id !== OTHER_ID && now - e.lastSeen >= idleEvictMs) entries.delete(id);
  };

  const entryFor = (fp: Fingerprint, now: number): Entry => {
    let e = entries.get(fp.id);
    if (e) return e;
    if (named() >= maxFingerprints) evictIdle(now);
    const key = named() < maxFingerprints ? fp : OTHER;
    e = entries.get(key.id);
    if (!e) {
      e = newEntry(key, now);
      entries.set(key.id, e);
    }
    return e;
  };

  const slotFor = (e: Entry, epoch: number): Aggregate => {
    fold(e, epoch);
    const i = ((epoch % buckets) + buckets) % buckets;
    let s = e.slots[i];
    // A slot of a later epoch means the clock stepped back: count there rather than lose the call.
    if (!s || s.epoch < epoch) {
      s = { epoch, agg: new Aggregate() };
      e.slots[i] = s;
    }
    return s.agg;
  };

  const view = (e: Entry, now: number): FingerprintStats => {
    const epoch = epochOf(now);
    fold(e, epoch);
    const recent = new Aggregate();
    for (const s of e.slots) if (s) recent.add(s.agg);
    const windowStart = (epoch - buckets + 1) * bucketMs;
    const seconds = (from: number) => Math.max(1, now - from) / 1000;
    let baseline: WindowStats | null = null;
    if (e.baseline) {
      const ref = epoch - buckets; // the last bucket before the window
      const n = ref - epochOf(e.firstSeen) + 1;
      const weightSum = decay === 1 ? n : (1 - decay ** n) / (1 - decay);
      baseline = e.baseline.toJSON((weightSum * bucketMs) / 1000, decay ** (ref - e.baselineEpoch));
    }
    return {
      id: e.fp.id,
      text: e.fp.text,
      firstSeen: e.firstSeen,
      lastSeen: e.lastSeen,
      recent: recent.toJSON(seconds(Math.max(windowStart, e.firstSeen))),
      baseline,
      total: e.total.toJSON(seconds(e.firstSeen)),
      plan: e.plan ?? null,
    };
  };

  const snapshot = (opts: { rank?: Ranking } = {}): QueryStatsSnapshot => {
    const now = clock.now();
    const queries = [...entries.values()].map((e) => view(e, now));
    const key = (q: FingerprintStats) =>
      opts.rank === 'total' ? [q.total.time.totalMs, 0] : [q.recent.time.totalMs, q.total.time.totalMs];
    queries.sort((a, b) => {
      const [a1, a2] = key(a) as [number, number];
      const [b1, b2] = key(b) as [number, number];
      return b1 - a1 || b2 - a2 || a.id.localeCompare(b.id);
    });
    return {
      at: now,
      windowMs: buckets * bucketMs,
      baselineHalfLifeMs: halfLifeMs,
      fingerprints: named(),
      maxFingerprints,
      overflowCalls,
      queries,
    };
  };

  return {
    record(input) {
      const now = clock.now();
      const fp = fingerprintOf(input.text);
      const e = entryFor(fp, now);
      if (e.fp.id === OTHER_ID) overflowCalls++;
      e.lastSeen = now;
      e.total.record(input);
      slotFor(e, epochOf(now)).record(input);
      return fp;
    },
    recordPoolWait(text, ms) {
      const now = clock.now();
      const e = entryFor(fingerprintOf(text), now);
      e.total.recordWait(ms);
      slotFor(e, epochOf(now)).recordWait(ms);
    },
    fingerprintOf,
    attachPlan(id, plan) {
      const e = entries.get(id);
      if (e) e.plan = plan;
    },
    snapshot,
    top: (n, rank) => snapshot(rank ? { rank } : {}).queries.slice(0, n),
  };
}
