/**
 * A circuit breaker for one dependency: after `failures` consecutive failures it opens and calls
 * are refused at once (the caller takes its fallback without paying a timeout each), for
 * `resetMs`; then one trial call is let through (half-open): its success closes the circuit, its
 * failure opens it again for another `resetMs`.
 */
export interface CircuitBreaker {
  readonly state: 'closed' | 'open' | 'half-open';
  /** True when a call may go out now; in half-open, only the one trial call gets true. */
  allow(): boolean;
  success(): void;
  failure(): void;
}

export interface CircuitBreakerOptions {
  failures: number;
  resetMs: number;
  now?: () => number;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now;
  let consecutive = 0;
  let openedAt = 0;
  let state: CircuitBreaker['state'] = 'closed';
  let trialOut = false;
  return {
    get state() {
      if (state === 'open' && now() - openedAt >= options.resetMs) return 'half-open';
      return state;
    },
    allow() {
      if (state === 'closed') return true;
      if (state === 'open' && now() - openedAt >= options.resetMs) state = 'half-open';
      if (state === 'half-open' && !trialOut) {
        trialOut = true;
        return true;
      }
      return false;
    },
    success() {
      consecutive = 0;
      state = 'closed';
      trialOut = false;
    },
    failure() {
      consecutive++;
      if (state === 'half-open' || consecutive >= options.failures) {
        state = 'open';
        openedAt = now();
        trialOut = false;
      }
    },
  };
}
