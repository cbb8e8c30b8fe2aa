/**
 * Where entries and table versions live. Both calls that matter for consistency read or change
 * versions and entries together: `lookup` returns the entry with the versions current at that same
 * moment, and `store` writes only if the versions the value was computed under are still current.
 * No method throws: an unavailable backend answers `unavailable` and the cache calls the loader.
 */
export interface CacheBackend {
  readonly kind: 'memory' | 'redis';
  lookup(key: string, tables: readonly string[]): Promise<Lookup>;
  /** Stores `payload` unless a table was written since `versions` were read. */
  store(
    key: string,
    payload: string,
    ttlMs: number,
    tables: readonly string[],
    versions: readonly string[],
  ): Promise<void>;
  /** Bumps the tables' versions; false when it could not (it is retried before the next lookup). */
  bump(tables: readonly string[]): Promise<boolean>;
  usage(): BackendUsage;
  /** Resolves true once the backend is usable, false after `timeoutMs` (reads bypass meanwhile). */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export type Lookup =
  | { status: 'ok'; payload: string | undefined; versions: string[] }
  | { status: 'unavailable' };

export interface BackendUsage {
  bytes: number;
  entries: number;
  evictions: number;
  circuit: 'closed' | 'open' | 'n/a';
}
