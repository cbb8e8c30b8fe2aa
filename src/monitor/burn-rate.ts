import type { BurnRateAlertDef, BurnWindowPair, SloName } from './alert-rules.js';
import type { CounterWindows, SloCounts } from './counter-windows.js';

/** The objectives, as configured (`slo.*`). */
export interface SloObjectives {
  availabilityTarget: number;
  latencyTarget: number;
  /** Divides every window and `for` duration (drills). */
  timeScale: number;
  /** Requests the long window needs before its alert may fire. */
  minRequests: number;
}

/** Failed share of the requests; 0 when there were none. */
export function badRatio(slo: SloName, c: SloCounts): number {
  if (c.requests <= 0) return 0;
  return (slo === 'availability' ? c.errors : c.slow) / c.requests;
}

/** How many times faster than sustainable the error budget burns: ratio / (1 - target). */
export function burnRate(ratio: number, target: number): number {
  return ratio / (1 - target);
}

export const targetOf = (slo: SloName, o: SloObjectives): number =>
  slo === 'availability' ? o.availabilityTarget : o.latencyTarget;

/** One window pair's reading, for the alert's annotations and the tests. */
export interface WindowReading {
  factor: number;
  longMs: number;
  shortMs: number;
  longBurn: number;
  shortBurn: number;
  longRequests: number;
  burning: boolean;
}

export interface BurnRateResult {
  active: boolean;
  readings: WindowReading[];
}

/**
 * A burn-rate alert's condition now: any of its window pairs where both windows burn at least the
 * pair's factor and the long window saw `minRequests` requests (so three failures in a quiet hour
 * page no one). Windows are divided by `timeScale`.
 */
export function evaluateBurnRate(
  def: BurnRateAlertDef,
  windows: CounterWindows,
  now: number,
  o: SloObjectives,
): BurnRateResult {
  const target = targetOf(def.slo, o);
  const readings = def.windows.map((w: BurnWindowPair): WindowReading => {
    const longMs = w.longMs / o.timeScale;
    const shortMs = w.shortMs / o.timeScale;
    const long = windows.sum(now, longMs);
    const short = windows.sum(now, shortMs);
    const longBurn = burnRate(badRatio(def.slo, long), target);
    const shortBurn = burnRate(badRatio(def.slo, short), target);
    return {
      factor: w.factor,
      longMs,
      shortMs,
      longBurn,
      shortBurn,
      longRequests: long.requests,
      burning: long.requests >= o.minRequests && longBurn >= w.factor && shortBurn >= w.factor,
    };
  });
  return { active: readings.some((r) => r.burning), readings };
}

/** "burn 20.1× over 1h and 31.0× over 5m (needs 14.4×)", for an alert's description. */
export function describeReadings(readings: readonly WindowReading[]): string {
  return readings
    .map(
      (r) =>
        `burn ${r.longBurn.toFixed(1)}× over ${formatDuration(r.longMs)} and ${r.shortBurn.toFixed(1)}× over ${formatDuration(r.shortMs)} (needs ${r.factor}×; ${r.longRequests} requests)`,
    )
    .join('; ');
}

/** 3600000 → "1h", 300000 → "5m", 1500 → "1.5s": the Prometheus duration notation where exact. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [u, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${u}`;
  if (ms >= 1000) return `${Math.round(ms / 100) / 10}s`;
  return `${Math.round(ms)}ms`;
}
