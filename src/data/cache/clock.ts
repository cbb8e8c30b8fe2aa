/** Wall-clock milliseconds, injected so TTL and early-refresh logic is tested without waiting. */
export interface CacheClock {
  now(): number;
}

export const systemCacheClock: CacheClock = { now: () => Date.now() };
