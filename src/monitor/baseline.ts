import type { DiagnosisWindow } from './diagnosis-input.js';

/**
 * "Normal", learned from calm windows only (no suspect named), as an exponentially weighted mean:
 * a fault never teaches the baseline that it is normal. Statements and dependencies are merged by
 * name, so one absent from the latest calm window keeps what was learned before.
 */
export function updateBaseline(
  prev: DiagnosisWindow | null,
  w: DiagnosisWindow,
  alpha = 0.3,
): DiagnosisWindow {
  if (!prev) return structuredClone(w);
  const mix = (a: number, b: number) => a * (1 - alpha) + b * alpha;
  const queries = new Map(prev.queries.map((q) => [q.id, { ...q }]));
  for (const q of w.queries) {
    const b = queries.get(q.id);
    queries.set(
      q.id,
      b
        ? {
            ...b,
            calls: mix(b.calls, q.calls),
            totalMs: mix(b.totalMs, q.totalMs),
            meanMs: mix(b.meanMs, q.meanMs),
            plan: q.plan ?? b.plan,
          }
        : { ...q },
    );
  }
  const deps = new Map(prev.dependencies.map((d) => [d.name, { ...d }]));
  for (const d of w.dependencies) {
    const b = deps.get(d.name);
    deps.set(
      d.name,
      b
        ? {
            ...b,
            calls: mix(b.calls, d.calls),
            totalMs: mix(b.totalMs, d.totalMs),
            meanMs: d.calls > 0 ? mix(b.meanMs, d.meanMs) : b.meanMs,
            p99Ms: d.p99Ms ?? b.p99Ms,
            errors: mix(b.errors, d.errors),
          }
        : { ...d },
    );
  }
  return {
    ...w,
    durationS: mix(prev.durationS, w.durationS),
    requests: mix(prev.requests, w.requests),
    errors: mix(prev.errors, w.errors),
    requestMs: mix(prev.requestMs, w.requestMs),
    poolWaitMs: mix(prev.poolWaitMs, w.poolWaitMs),
    queryMs: mix(prev.queryMs, w.queryMs),
    queryCalls: mix(prev.queryCalls, w.queryCalls),
    cacheMs: mix(prev.cacheMs, w.cacheMs),
    cacheHits: mix(prev.cacheHits, w.cacheHits),
    cacheMisses: mix(prev.cacheMisses, w.cacheMisses),
    queries: [...queries.values()],
    dependencies: [...deps.values()],
    workers: {
      count: w.workers.count,
      cpu: mix(prev.workers.cpu, w.workers.cpu),
      eventLoopUtilisation: mix(prev.workers.eventLoopUtilisation, w.workers.eventLoopUtilisation),
      eventLoopDelayP99Ms: mix(prev.workers.eventLoopDelayP99Ms, w.workers.eventLoopDelayP99Ms),
    },
    dbRoundTripMs:
      w.dbRoundTripMs === null
        ? prev.dbRoundTripMs
        : prev.dbRoundTripMs === null
          ? w.dbRoundTripMs
          : mix(prev.dbRoundTripMs, w.dbRoundTripMs),
    rejections: mix(prev.rejections, w.rejections),
  };
}
