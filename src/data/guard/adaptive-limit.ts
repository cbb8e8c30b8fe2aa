/**
 * An adaptive concurrency limit of the Gradient2 family (Netflix concurrency-limits): the ratio of a
 * long-term to a short-term query time says whether the database is queueing work. When queries slow
 * down under load the limit falls, so fewer queries compete and each finishes sooner (throughput stays
 * at the knee); when they speed up again it grows back. No I/O and no clock: it sees only samples.
 */
export interface AdaptiveLimitOptions {
  /** Never below this: a few queries always run, or the limit could not measure its way back up. */
  minLimit: number;
  /** Never above this: the pool size, since more permits than connections would only queue in pg. */
  maxLimit: number;
  /** Where to start; defaults to maxLimit, because the pool is already sized for the database. */
  initialLimit?: number;
  /** Fraction of the new estimate blended in per sample (Gradient2 default 0.2). */
  smoothing?: number;
  /** How much slower than the long-term time a short-term time may be before the limit falls (1.5). */
  tolerance?: number;
  /** Samples in the long-term average (600) and the short-term one (10; 1 means the raw sample). */
  longWindow?: number;
  shortWindow?: number;
  /**
   * Queries allowed to queue beyond the measured capacity, as a function of the limit. It lets the
   * limit probe upwards; it also sets the floor that latency alone can push the limit down to
   * (about 2 × queueSize), below which only drops take it.
   */
  queueSize?: (limit: number) => number;
  /** Multiplier applied on a drop (a statement timeout): a hard signal, unlike a slow sample. */
  backoffRatio?: number;
}

export interface AdaptiveLimit {
  /**
   * Feeds one finished query: its time, the queries in flight when it finished, and whether it was
   * dropped (timed out). Returns the new limit, an integer in [minLimit, maxLimit].
   */
  onSample(rttMs: number, inflight: number, dropped: boolean): number;
  readonly limit: number;
  /** The averages behind the limit, for stats and tests. */
  readonly longRttMs: number;
  readonly shortRttMs: number;
}

/** An average that is a plain mean for its first `window` samples, then exponential. */
function expAverage(window: number) {
  let value = 0;
  let count = 0;
  return {
    add(sample: number): number {
      if (count < window) {
        count++;
        value += (sample - value) / count;
      } else {
        value += (sample - value) * (2 / (window + 1));
      }
      return value;
    },
    scale(factor: number) {
      value *= factor;
    },
    get value() {
      return value;
    },
  };
}

// A sub-microsecond sample is a measurement artefact; flooring it keeps the ratio finite.
const MIN_RTT_MS = 0.001;

export function createAdaptiveLimit(options: AdaptiveLimitOptions): AdaptiveLimit {
  const minLimit = Math.max(1, Math.floor(options.minLimit));
  const maxLimit = Math.max(minLimit, Math.floor(options.maxLimit));
  const smoothing = options.smoothing ?? 0.2;
  const tolerance = options.tolerance ?? 1.5;
  const backoffRatio = options.backoffRatio ?? 0.9;
  const queueSize = options.queueSize ?? ((limit: number) => Math.max(1, Math.floor(Math.sqrt(limit))));
  const longRtt = expAverage(options.longWindow ?? 600);
  const shortRtt = expAverage(Math.max(1, options.shortWindow ?? 10));
  const clamp = (n: number) => Math.max(minLimit, Math.min(maxLimit, n));
  let estimate = clamp(options.initialLimit ?? maxLimit);

  return {
    onSample(rttMs, inflight, dropped) {
      const rtt = Math.max(MIN_RTT_MS, rttMs);
      const short = shortRtt.add(rtt);
      const long = longRtt.add(rtt);
      // After a long overload the long-term average is inflated; when times return to normal, pull it
      // down faster than the smoothing would, so the limit recovers in seconds rather than minutes.
      if (long / short > 2) longRtt.scale(0.95);

      if (dropped) {
        estimate = clamp(estimate * backoffRatio);
      } else if (inflight >= estimate / 2) {
        // Below half the limit the database is not what bounds us (app-limited): a sample then says
        // nothing about capacity, and growing on it would let the limit drift to max unnoticed.
        // The gradient is capped at 1 (times at or below normal mean no queueing) and floored at 0.5
        // so one outlier cannot halve the limit.
        const gradient = Math.max(0.5, Math.min(1, (tolerance * longRtt.value) / short));
        const target = estimate * gradient + queueSize(estimate);
        estimate = clamp(estimate * (1 - smoothing) + target * smoothing);
      }
      return Math.floor(estimate);
    },
    get limit() {
      return Math.floor(estimate);
    },
    get longRttMs() {
      return longRtt.value;
    },
    get shortRttMs() {
      return shortRtt.value;
    },
  };
}
