/**
 * Whether to talk to Redis at all. After `failureThreshold` consecutive failures the circuit opens:
 * reads bypass Redis at no cost instead of each paying a command timeout, and the owner probes
 * Redis in the background until one probe succeeds and closes it again.
 */
export interface CircuitBreaker {
  readonly state: 'closed' | 'open';
  /** Returns true when this failure opened the circuit (the caller starts probing then). */
  recordFailure(): boolean;
  recordSuccess(): void;
  /** Opens at once, whatever the count: a lost invalidation makes every cached entry suspect. */
  forceOpen(): boolean;
}

export function createCircuitBreaker(failureThreshold: number): CircuitBreaker {
  let failures = 0;
  let state: 'closed' | 'open' = 'closed';
  const open = () => {
    if (state === 'open') return false;
    state = 'open';
    return true;
  };
  return {
    get state() {
      return state;
    },
    recordFailure() {
      failures++;
      return failures >= failureThreshold ? open() : false;
    },
    recordSuccess() {
      failures = 0;
      state = 'closed';
    },
    forceOpen: open,
  };
}
