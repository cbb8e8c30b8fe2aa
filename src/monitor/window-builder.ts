import type { DiagnosisWindow, QueryWindow } from './diagnosis-input.js';
import { emptyWindow } from './diagnosis-input.js';
import type { WorkerProbe } from './worker-probe.js';

/** What the supervisor measured on the database at one tick. */
export interface DbReading {
  roundTripMs: number | null;
  /** Sessions executing a statement (lock waits excluded), null if unknown. */
  active: number | null;
  locks: DiagnosisWindow['locks'];
}

interface Tick {
  at: number;
  wallMs: number;
  w: DiagnosisWindow;
  cpuMs: number;
  runQueueMs: number;
  eluActiveMs: number;
  eluIdleMs: number;
  /** worker-milliseconds of wall time covered, for the CPU share. */
  workerWallMs: number;
  deps: Map<string, { calls: number; totalMs: number; errors: number; buckets: Map<number, number> }>;
}

const positive = (x: number) => (x > 0 ? x : 0);

/** The span utilisations are read over (the last three seconds of the window). */
const RECENT_MS = 3000;

/**
 * Turns the workers' cumulative probes into per-tick increments and sums the ticks of a sliding
 * window into one `DiagnosisWindow`. A worker seen for the first time (or restarted: a new pid)
 * only sets its reference; a fingerprint missing from the previous probe counts only if it is new.
 */
export class WindowBuilder {
  readonly #last = new Map<number, WorkerProbe>();
  #ticks: Tick[] = [];
  readonly #retainMs: number;

  constructor(options: { retainMs: number }) {
    this.#retainMs = options.retainMs;
  }

  add(now: number, probes: readonly WorkerProbe[], db: DbReading): void {
    const w = emptyWindow();
    const queries = new Map<string, QueryWindow>();
    const deps: Tick['deps'] = new Map();
    let cpuMs = 0;
    let runQueueMs = 0;
    let eluActiveMs = 0;
    let eluIdleMs = 0;
    let workerWallMs = 0;
    let wallMs = 0;
    for (const p of probes) {
      const prev = this.#last.get(p.pid);
      this.#last.set(p.pid, p);
      w.workers.count++;
      w.workers.eventLoopDelayP99Ms = Math.max(w.workers.eventLoopDelayP99Ms, p.loopDelayP99Ms);
      if (p.pool) {
        w.pool.size += p.pool.size;
        w.pool.busy += p.pool.busy;
        w.pool.waiting += p.pool.waiting;
      }
      if (!prev) continue;
      const dt = positive(p.at - prev.at);
      wallMs = Math.max(wallMs, dt);
      workerWallMs += dt;
      cpuMs += positive(p.cpuMs - prev.cpuMs);
      if (p.runQueueMs !== null && prev.runQueueMs !== null)
        runQueueMs += positive(p.runQueueMs - prev.runQueueMs);
      eluActiveMs += positive(p.eluActiveMs - prev.eluActiveMs);
      eluIdleMs += positive(p.eluIdleMs - prev.eluIdleMs);
      w.requests += positive(p.requests - prev.requests);
      w.errors += positive(p.errors - prev.errors);
      w.requestMs += positive(p.requestMs - prev.requestMs);
      w.poolWaitMs += positive(p.poolWaitMs - prev.poolWaitMs);
      w.queryMs += positive(p.queryMs - prev.queryMs);
      w.queryCalls += positive(p.queryCalls - prev.queryCalls);
      w.cacheMs += positive(p.cacheMs - prev.cacheMs);
      w.cacheHits += positive(p.cacheHits - prev.cacheHits);
      w.cacheMisses += positive(p.cacheMisses - prev.cacheMisses);
      w.rejections += positive(p.rejections - prev.rejections);
      const before = new Map(prev.queries.map((q) => [q.id, q]));
      for (const q of p.queries) {
        const b = before.get(q.id);
        if (!b && q.firstSeen < prev.at) continue; // existed but was not reported last time
        const calls = positive(q.calls - (b?.calls ?? 0));
        if (calls === 0) continue;
        const e = queries.get(q.id) ?? {
          id: q.id,
          text: q.text,
          calls: 0,
          totalMs: 0,
          meanMs: 0,
          plan: null,
        };
        e.calls += calls;
        e.totalMs += positive(q.totalMs - (b?.totalMs ?? 0));
        e.plan = q.plan ?? e.plan;
        queries.set(q.id, e);
      }
      const depBefore = new Map(prev.dependencies.map((d) => [d.name, d]));
      for (const d of p.dependencies) {
        const b = depBefore.get(d.name);
        const e = deps.get(d.name) ?? { calls: 0, totalMs: 0, errors: 0, buckets: new Map() };
        e.calls += positive(d.calls - (b?.calls ?? 0));
        e.totalMs += positive(d.totalMs - (b?.totalMs ?? 0));
        e.errors += positive(d.errors - (b?.errors ?? 0));
        const bb = new Map(b?.buckets ?? []);
        for (const [le, n] of d.buckets ?? [])
          e.buckets.set(le, (e.buckets.get(le) ?? 0) + positive(n - (bb.get(le) ?? 0)));
        deps.set(d.name, e);
      }
    }
    const alive = new Set(probes.map((p) => p.pid));
    for (const pid of this.#last.keys()) if (!alive.has(pid)) this.#last.delete(pid);
    w.durationS = wallMs / 1000;
    w.queries = [...queries.values()];
    w.locks = db.locks;
    w.dbRoundTripMs = db.roundTripMs;
    w.dbActive = db.active;
    this.#ticks.push({ at: now, wallMs, w, cpuMs, runQueueMs, eluActiveMs, eluIdleMs, workerWallMs, deps });
    this.#ticks = this.#ticks.filter((t) => t.at > now - this.#retainMs);
  }

  /** The sum of the ticks inside `(now - windowMs, now]`. */
  window(now: number, windowMs: number): DiagnosisWindow {
    const ticks = this.#ticks.filter((t) => t.at > now - windowMs && t.at <= now);
    const out = emptyWindow();
    const queries = new Map<string, QueryWindow>();
    const deps: Tick['deps'] = new Map();
    let cpuMs = 0;
    let runQueueMs = 0;
    let workerWallMs = 0;
    let active = 0;
    let idle = 0;
    const rtts: number[] = [];
    const actives: number[] = [];
    // Utilisation is a saturation reading: the last seconds say more than the window's average.
    const recentFrom = now - Math.min(windowMs, RECENT_MS);
    for (const t of ticks) {
      const w = t.w;
      out.durationS += w.durationS;
      out.requests += w.requests;
      out.errors += w.errors;
      out.requestMs += w.requestMs;
      out.poolWaitMs += w.poolWaitMs;
      out.queryMs += w.queryMs;
      out.queryCalls += w.queryCalls;
      out.cacheMs += w.cacheMs;
      out.cacheHits += w.cacheHits;
      out.cacheMisses += w.cacheMisses;
      out.rejections += w.rejections;
      out.workers.count = w.workers.count;
      out.workers.eventLoopDelayP99Ms = Math.max(
        out.workers.eventLoopDelayP99Ms,
        w.workers.eventLoopDelayP99Ms,
      );
      out.pool.size = w.pool.size;
      out.pool.busy = Math.max(out.pool.busy, w.pool.busy);
      out.pool.waiting = Math.max(out.pool.waiting, w.pool.waiting);
      if (w.locks.waiting >= out.locks.waiting) {
        out.locks = {
          ...w.locks,
          maxWaitMs: Math.max(out.locks.maxWaitMs, w.locks.maxWaitMs),
          blockedFingerprints: [
            ...new Set([...out.locks.blockedFingerprints, ...w.locks.blockedFingerprints]),
          ],
        };
      }
      if (w.dbRoundTripMs !== null) rtts.push(w.dbRoundTripMs);
      if (w.dbActive !== null && t.at > recentFrom) actives.push(w.dbActive);
      if (t.at > recentFrom) {
        cpuMs += t.cpuMs;
        runQueueMs += t.runQueueMs;
        workerWallMs += t.workerWallMs;
        active += t.eluActiveMs;
        idle += t.eluIdleMs;
      }
      for (const q of w.queries) {
        const e = queries.get(q.id) ?? { ...q, calls: 0, totalMs: 0 };
        e.calls += q.calls;
        e.totalMs += q.totalMs;
        e.plan = q.plan ?? e.plan;
        queries.set(q.id, e);
      }
      for (const [name, d] of t.deps) {
        const e = deps.get(name) ?? { calls: 0, totalMs: 0, errors: 0, buckets: new Map() };
        e.calls += d.calls;
        e.totalMs += d.totalMs;
        e.errors += d.errors;
        for (const [le, n] of d.buckets) e.buckets.set(le, (e.buckets.get(le) ?? 0) + n);
        deps.set(name, e);
      }
    }
    out.queries = [...queries.values()]
      .map((q) => ({ ...q, meanMs: q.calls > 0 ? q.totalMs / q.calls : 0 }))
      .sort((a, b) => b.totalMs - a.totalMs);
    out.dependencies = [...deps].map(([name, d]) => ({
      name,
      calls: d.calls,
      totalMs: d.totalMs,
      meanMs: d.calls > 0 ? d.totalMs / d.calls : 0,
      p99Ms: quantileFromBuckets(d.buckets, 0.99),
      errors: d.errors,
    }));
    out.workers.cpu = workerWallMs > 0 ? cpuMs / workerWallMs : 0;
    out.workers.cpuWait = workerWallMs > 0 ? Math.min(1, runQueueMs / workerWallMs) : 0;
    out.workers.eventLoopUtilisation = active + idle > 0 ? active / (active + idle) : 0;
    rtts.sort((a, b) => a - b);
    out.dbRoundTripMs = rtts.length > 0 ? (rtts[Math.floor(rtts.length / 2)] as number) : null;
    out.dbActive = actives.length > 0 ? actives.reduce((a, b) => a + b, 0) / actives.length : null;
    return out;
  }
}

/** The upper bound of the bucket holding the q-quantile of cumulative buckets; null without data. */
export function quantileFromBuckets(buckets: Map<number, number>, q: number): number | null {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  for (const [le, n] of sorted) if (n >= q * total) return le;
  return sorted.at(-1)?.[0] ?? null;
}
