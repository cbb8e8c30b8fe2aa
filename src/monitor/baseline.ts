import type { DiagnosisWindow } from './diagnosis-input.js';

/** How fast "normal" follows a window that is better (faster) or worse than it. */
export interface BaselineRates {
  better: number;
  worse: number;
}

const DEFAULT_RATES: BaselineRates = { better: 0.5, worse: 0.1 };

/**
 * "Normal", learned from calm windows, as an exponentially weighted mean that follows improvements
 * fast and degradations slowly: a cold start (empty caches, first connections) must not stay the
 * reference, and a slow drift must not become one. Statements and dependencies are merged by name,
 * so one absent from the latest window keeps what was learned before.
 */
export function updateBaseline(
  prev: DiagnosisWindow | null,
  w: DiagnosisWindow,
  rates: BaselineRates = DEFAULT_RATES,
): DiagnosisWindow {
  if (!prev) return structuredClone(w);
  const mix = (a: number, b: number, alpha = rates.worse) => a * (1 - alpha) + b * alpha;
  /** For times and utilisations: lower is better. */
  const time = (a: number, b: number) => mix(a, b, b < a ? rates.better : rates.worse);
  const meanOf = (x: DiagnosisWindow) => (x.queryCalls > 0 ? x.queryMs / x.queryCalls : 0);
  const shareOf = (x: DiagnosisWindow) => (x.requestMs > 0 ? x.poolWaitMs / x.requestMs : 0);
  // Sums keep their ratios: scale the window to the baseline's volume, then mix the ratio itself.
  const calls = mix(prev.queryCalls, w.queryCalls);
  const requestMs = mix(prev.requestMs, w.requestMs);
  const queries = new Map(prev.queries.map((q) => [q.id, { ...q }]));
  for (const q of w.queries) {
    const b = queries.get(q.id);
    if (!b) {
      queries.set(q.id, { ...q });
      continue;
    }
    const meanMs = time(b.meanMs, q.meanMs);
    const c = mix(b.calls, q.calls);
    queries.set(q.id, { ...b, calls: c, totalMs: c * meanMs, meanMs, plan: q.plan ?? b.plan });
  }
  const deps = new Map(prev.dependencies.map((d) => [d.name, { ...d }]));
  for (const d of w.dependencies) {
    const b = deps.get(d.name);
    if (!b) {
      deps.set(d.name, { ...d });
      continue;
    }
    const meanMs = d.calls > 0 ? time(b.meanMs, d.meanMs) : b.meanMs;
    const c = mix(b.calls, d.calls);
    deps.set(d.name, {
      ...b,
      calls: c,
      totalMs: c * meanMs,
      meanMs,
      p99Ms: d.p99Ms === null ? b.p99Ms : b.p99Ms === null ? d.p99Ms : time(b.p99Ms, d.p99Ms),
      errors: mix(b.errors, d.errors),
    });
  }
  const hitRatio = (x: DiagnosisWindow) => {
    const n = x.cacheHits + x.cacheMisses;
    return n > 0 ? x.cacheHits / n : null;
  };
  const hitsBefore = hitRatio(prev);
  const hitsNow = hitRatio(w);
  const ratio = hitsBefore === null ? hitsNow : hitsNow === null ? hitsBefore : mix(hitsBefore, hitsNow);
  const lookups = mix(prev.cacheHits + prev.cacheMisses, w.cacheHits + w.cacheMisses);
  return {
    ...w,
    durationS: mix(prev.durationS, w.durationS),
    requests: mix(prev.requests, w.requests),
    errors: mix(prev.errors, w.errors),
    requestMs,
    poolWaitMs: requestMs * time(shareOf(prev), shareOf(w)),
    queryCalls: calls,
    queryMs: calls * time(meanOf(prev), meanOf(w)),
    cacheMs: time(prev.cacheMs, w.cacheMs),
    cacheHits: ratio === null ? 0 : lookups * ratio,
    cacheMisses: ratio === null ? 0 : lookups * (1 - ratio),
    queries: [...queries.values()],
    dependencies: [...deps.values()],
    workers: {
      count: w.workers.count,
      cpu: time(prev.workers.cpu, w.workers.cpu),
      cpuWait: time(prev.workers.cpuWait, w.workers.cpuWait),
      eventLoopUtilisation: time(prev.workers.eventLoopUtilisation, w.workers.eventLoopUtilisation),
      eventLoopDelayP99Ms: time(prev.workers.eventLoopDelayP99Ms, w.workers.eventLoopDelayP99Ms),
    },
    dbRoundTripMs:
      w.dbRoundTripMs === null
        ? prev.dbRoundTripMs
        : prev.dbRoundTripMs === null
          ? w.dbRoundTripMs
          : time(prev.dbRoundTripMs, w.dbRoundTripMs),
    dbActive:
      w.dbActive === null
        ? prev.dbActive
        : prev.dbActive === null
          ? w.dbActive
          : mix(prev.dbActive, w.dbActive),
    rejections: mix(prev.rejections, w.rejections),
  };
}
