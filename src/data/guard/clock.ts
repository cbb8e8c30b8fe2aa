/** Time and timers, injected so that the queue's and the limit's logic is tested on a manual clock. */
export interface Clock {
  /** Epoch milliseconds, the unit of request deadlines (set from `Date.now()` by the HTTP layer). */
  now(): number;
  /**
   * Monotonic milliseconds with sub-millisecond precision, for durations: a query of 0.3 ms must not
   * round to zero, and a wall-clock step must not turn into a negative query time.
   */
  monotonic(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Opaque to callers: a Node timer in production, a number on the manual clock. */
export type TimerHandle = unknown;

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
