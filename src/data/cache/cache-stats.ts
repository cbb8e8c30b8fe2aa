/** Counters since the cache was created; `stats()` returns a snapshot for telemetry. */
export interface CacheStats {
  backend: 'memory' | 'redis' | 'off';
  /** Reads answered from the cache. */
  hits: number;
  /** Reads that ran the loader (or joined a running load): absent, stale, expired or undecodable. */
  misses: number;
  /** Found entries rejected because a table they read was written since. */
  staleRejections: number;
  /** Found entries past their TTL (the in-process store; Redis drops them itself). */
  expirations: number;
  /** Misses that joined another caller's running load instead of querying (single-flight). */
  coalesced: number;
  /** Loads started early by XFetch while the entry was still served. */
  earlyRefreshes: number;
  /** Loader calls that threw or rejected; never cached. */
  loaderErrors: number;
  /** Reads that went straight to the loader because the backend (Redis) was unavailable. */
  bypasses: number;
  /** Invalidations that Redis did not take; they are retried before the cache is used again. */
  deferredInvalidations: number;
  /** Entries evicted from the in-process store to stay inside its byte budget. */
  evictions: number;
  /** Bytes held by the in-process store (0 with Redis, whose memory Redis itself bounds). */
  bytes: number;
  entries: number;
  /** Redis only: `open` while the circuit bypasses Redis and probes it in the background. */
  circuit: 'closed' | 'open' | 'n/a';
}

export type CacheCounter = Exclude<
  keyof CacheStats,
  'backend' | 'bytes' | 'entries' | 'evictions' | 'circuit'
>;

export function createCounters(): Record<CacheCounter, number> {
  return {
    hits: 0,
    misses: 0,
    staleRejections: 0,
    expirations: 0,
    coalesced: 0,
    earlyRefreshes: 0,
    loaderErrors: 0,
    bypasses: 0,
    deferredInvalidations: 0,
  };
}
