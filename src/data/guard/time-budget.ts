/**
 * A budget of database time for one query class, as a token bucket in milliseconds of connection
 * time: it refills at `msPerSecond` and holds at most `burstMs`; each finished statement of the class
 * is charged its duration, so the bucket can go into debt (a statement's cost is known only once it
 * ends; the debt is bounded by one burst) and admits again once refilled.
 *
 * Why time and not slots: connections are not what a heavy listing takes from everyone else, the
 * database's CPU is. On a two-core server, two listings on two connections leave a sign-in query
 * nothing but a third share of a core, however many connections are free. Capping the class's
 * connection-seconds per second caps its CPU, whatever its queries cost.
 */
export interface TimeBudget {
  /** True while the bucket holds time; false while it is empty or in debt. */
  available(now: number): boolean;
  charge(ms: number, now: number): void;
  /** Milliseconds until the bucket holds time again (0 when it does). */
  refillDelay(now: number): number;
  /** Current balance in ms (negative in debt), for stats. */
  balance(now: number): number;
  /** Refills at `msPerSecond` from `now` on (what accrued before at the old rate); the burst stays. */
  setRate(msPerSecond: number, now: number): void;
}

export interface TimeBudgetOptions {
  /** Connection time the class may use per second of wall time, in ms (500 = half a connection). */
  msPerSecond: number;
  /** Most time saved up while the class is idle; defaults to one second's worth. */
  burstMs?: number;
  start: number;
}

export function createTimeBudget(options: TimeBudgetOptions): TimeBudget {
  const perMs = (msPerSecond: number) => Math.max(1e-6, msPerSecond) / 1000;
  let rate = perMs(options.msPerSecond);
  const burst = options.burstMs ?? options.msPerSecond;
  let tokens = burst;
  let at = options.start;
  const refill = (now: number) => {
    if (now > at) tokens = Math.min(burst, tokens + (now - at) * rate);
    at = Math.max(at, now);
  };
  return {
    available(now) {
      refill(now);
      return tokens > 0;
    },
    charge(ms, now) {
      refill(now);
      // Debt is bounded by one burst: statements that ran long together must not lock the class
      // out for many seconds after.
      tokens = Math.max(-burst, tokens - Math.max(0, ms));
    },
    refillDelay(now) {
      refill(now);
      return tokens > 0 ? 0 : Math.ceil((-tokens + 1e-3) / rate);
    },
    balance(now) {
      refill(now);
      return tokens;
    },
    setRate(msPerSecond, now) {
      refill(now);
      rate = perMs(msPerSecond);
    },
  };
}
