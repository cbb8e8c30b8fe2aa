// Arrival-rate executors in the k6 manner: the scenario fixes how many requests per second arrive,
// whatever the service does. Each executor compiles to stages of linear rate change, so the schedule
// is one function of time and every generator process can compute the same arrival sequence.

/** A stretch of time over which the rate moves linearly from `from` to `to` (requests/s). */
export interface Stage {
  /** The phase it belongs to, for reporting ("baseline", "spike", …). */
  phase: string;
  durationMs: number;
  from: number;
  to: number;
}

export interface ConstantExecutor {
  type: 'constant';
  rate: number;
  durationMs: number;
}

export interface RampingExecutor {
  type: 'ramping';
  startRate: number;
  stages: { durationMs: number; target: number; phase?: string }[];
}

/** Steady baseline, a fast rise to the peak, held, a fast fall, then recovery at the baseline. */
export interface SpikeExecutor {
  type: 'spike';
  baseline: number;
  peak: number;
  baselineMs: number;
  riseMs: number;
  holdMs: number;
  fallMs: number;
  recoveryMs: number;
}

export type Executor = ConstantExecutor | RampingExecutor | SpikeExecutor;
export const EXECUTOR_TYPES = ['constant', 'ramping', 'spike'] as const;

export function compileStages(ex: Executor): Stage[] {
  switch (ex.type) {
    case 'constant':
      return [{ phase: 'steady', durationMs: ex.durationMs, from: ex.rate, to: ex.rate }];
    case 'ramping': {
      let from = ex.startRate;
      return ex.stages.map((s, i) => {
        const stage = { phase: s.phase ?? `stage-${i + 1}`, durationMs: s.durationMs, from, to: s.target };
        from = s.target;
        return stage;
      });
    }
    case 'spike':
      return [
        { phase: 'baseline', durationMs: ex.baselineMs, from: ex.baseline, to: ex.baseline },
        { phase: 'spike', durationMs: ex.riseMs, from: ex.baseline, to: ex.peak },
        { phase: 'spike', durationMs: ex.holdMs, from: ex.peak, to: ex.peak },
        { phase: 'spike', durationMs: ex.fallMs, from: ex.peak, to: ex.baseline },
        { phase: 'recovery', durationMs: ex.recoveryMs, from: ex.baseline, to: ex.baseline },
      ].filter((s) => s.durationMs > 0);
  }
}

/** The same executor with every duration multiplied by `factor` (the drill's time scale). */
export function scaleExecutor(ex: Executor, factor: number): Executor {
  const d = (ms: number) => Math.round(ms * factor);
  switch (ex.type) {
    case 'constant':
      return { ...ex, durationMs: d(ex.durationMs) };
    case 'ramping':
      return { ...ex, stages: ex.stages.map((s) => ({ ...s, durationMs: d(s.durationMs) })) };
    case 'spike':
      return {
        ...ex,
        baselineMs: d(ex.baselineMs),
        riseMs: d(ex.riseMs),
        holdMs: d(ex.holdMs),
        fallMs: d(ex.fallMs),
        recoveryMs: d(ex.recoveryMs),
      };
  }
}

export function totalMs(stages: readonly Stage[]): number {
  return stages.reduce((a, s) => a + s.durationMs, 0);
}

export function peakRate(stages: readonly Stage[]): number {
  return stages.reduce((a, s) => Math.max(a, s.from, s.to), 0);
}

/** Requests per second at `t` ms from the start (0 outside the schedule). */
export function rateAt(stages: readonly Stage[], t: number): number {
  let start = 0;
  for (const s of stages) {
    if (t < start + s.durationMs) {
      const f = s.durationMs > 0 ? (t - start) / s.durationMs : 0;
      return s.from + (s.to - s.from) * f;
    }
    start += s.durationMs;
  }
  return 0;
}

/** The phase of the stage that holds `t` ms from the start. */
export function phaseAt(stages: readonly Stage[], t: number): string {
  let start = 0;
  for (const s of stages) {
    if (t < start + s.durationMs) return s.phase;
    start += s.durationMs;
  }
  return stages[stages.length - 1]?.phase ?? 'steady';
}

/** Each phase's first and last ms, in order of first appearance. */
export function phaseWindows(stages: readonly Stage[]): { phase: string; fromMs: number; toMs: number }[] {
  const out: { phase: string; fromMs: number; toMs: number }[] = [];
  let start = 0;
  for (const s of stages) {
    const w = out.find((p) => p.phase === s.phase);
    if (w) w.toMs = start + s.durationMs;
    else out.push({ phase: s.phase, fromMs: start, toMs: start + s.durationMs });
    start += s.durationMs;
  }
  return out;
}

/**
 * Arrival times (ms from the start) of events whose rate is `rateAt(t) / divisor`: the n-th event
 * comes when the integral of the rate reaches n, so a ramp gets exactly its share of arrivals and no
 * randomness hides a shortfall. Yields until the schedule ends.
 */
export function* arrivals(stages: readonly Stage[], divisor = 1): Generator<number> {
  let start = 0;
  let carried = 0; // events accumulated but not yet emitted, as a fraction of one event
  for (const s of stages) {
    const a = s.from / divisor / 1000; // events per ms at the stage's start
    const b = (s.to - s.from) / divisor / 1000 / Math.max(1, s.durationMs); // change per ms²
    // integral over [0, x] of (a + b u) du = a x + b x² / 2; solve for the next whole event
    let need = 1 - carried;
    let x = 0;
    for (;;) {
      const target = a * x + (b * x * x) / 2 + need;
      let next: number;
      if (Math.abs(b) < 1e-15) next = a > 0 ? target / a : Number.POSITIVE_INFINITY;
      else {
        const disc = a * a + 2 * b * target;
        next = disc < 0 ? Number.POSITIVE_INFINITY : (-a + Math.sqrt(disc)) / b;
      }
      if (!(next <= s.durationMs + 1e-6)) break;
      yield start + next;
      x = next;
      need = 1;
    }
    const total = a * s.durationMs + (b * s.durationMs * s.durationMs) / 2;
    const done = a * x + (b * x * x) / 2;
    carried = x === 0 ? carried + total : total - done;
    carried -= Math.floor(carried);
    start += s.durationMs;
  }
}
