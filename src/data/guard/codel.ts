/**
 * CoDel's detector of a standing queue, as Facebook applies it to request queues: the queue is
 * "overloaded" when over a whole interval the smallest queueing delay stayed above the target. A burst
 * that drains within an interval is normal and harmless; a queue that never drains only adds delay.
 *
 * One addition: an interval in which the queue turned work away (`refused`) also counts as
 * overloaded. Once overloaded, the queue sheds its stale waiters early, which keeps every observed
 * delay short; judged by delays alone the detector would then switch itself off after one interval
 * while the overload went on, and the queue would swing between its two regimes.
 */
export interface CodelOptions {
  /**
   * Queueing delay that is acceptable to have at least once per interval (5 ms); a function when the
   * target follows something measured (read at the end of each interval).
   */
  targetMs: number | (() => number);
  /** Window over which the minimum delay is taken (100 ms). */
  intervalMs: number;
}

export interface Codel {
  /**
   * Records a dequeue's delay: how long the oldest waiter at that moment had been queued (0 when the
   * queue was empty). Measuring the oldest rather than the one served keeps the signal true under
   * LIFO, where the served waiter is the freshest and says nothing about the queue behind it.
   */
  observe(delayMs: number, now: number): void;
  /** Records that the queue turned a waiter away for want of capacity (not for a short deadline). */
  refused(): void;
  /** Whether a standing queue exists now; `oldestWaitMs` is the age of the oldest waiter, if any. */
  overloaded(now: number, oldestWaitMs: number | undefined): boolean;
}

export function createCodel(options: CodelOptions, start: number): Codel {
  let intervalEnd = start + options.intervalMs;
  let minDelay = Number.POSITIVE_INFINITY;
  let refusing = false;
  let overloaded = false;

  // Evaluated lazily on the next event rather than on a timer: the queue acts only on events anyway.
  const roll = (now: number, oldestWaitMs: number | undefined) => {
    if (now < intervalEnd) return;
    // When at least one whole interval passed since the last one with samples, that last interval is
    // empty: nothing was dequeued, so the queue stands if anyone has been waiting past the target.
    const stale = now >= intervalEnd + options.intervalMs;
    const min = stale ? Number.POSITIVE_INFINITY : minDelay;
    const target = typeof options.targetMs === 'function' ? options.targetMs() : options.targetMs;
    const standing = Number.isFinite(min) ? min > target : (oldestWaitMs ?? 0) > target;
    overloaded = (refusing && !stale) || standing;
    minDelay = Number.POSITIVE_INFINITY;
    refusing = false;
    intervalEnd = now + options.intervalMs;
  };

  return {
    observe(delayMs, now) {
      roll(now, delayMs);
      minDelay = Math.min(minDelay, delayMs);
    },
    // Callers ask `overloaded` first at every event, so the interval is current here.
    refused() {
      refusing = true;
    },
    overloaded(now, oldestWaitMs) {
      roll(now, oldestWaitMs);
      return overloaded;
    },
  };
}
