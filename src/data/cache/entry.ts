/**
 * What the cache stores per key: the value with the table versions it was computed under, its
 * expiry and how long it took to compute (XFetch's delta). One JSON string in both backends, so the
 * byte size is known and every reader gets its own copy: a caller that adds a per-user field to a
 * cached object cannot leak it into the next user's response.
 */
export interface StoredEntry {
  /** The loader's value. */
  v: unknown;
  /** Versions of the entry's tables (sorted by table name) when the loader started. */
  vs: string[];
  /** Expiry, epoch ms. */
  x: number;
  /** Loader time, ms. */
  d: number;
}

export function encodeEntry(entry: StoredEntry): string {
  return JSON.stringify(entry);
}

/** Undefined for anything that is not an entry (a foreign or corrupted value in Redis is a miss). */
export function decodeEntry(payload: string): StoredEntry | undefined {
  try {
    const e = JSON.parse(payload) as Partial<StoredEntry> | null;
    if (!e || !Array.isArray(e.vs) || typeof e.x !== 'number' || typeof e.d !== 'number') return undefined;
    return e as StoredEntry;
  } catch {
    return undefined;
  }
}

export type EntryState = 'fresh' | 'stale' | 'expired';

/**
 * `stale` when any table was written since the entry was computed: its versions differ from the
 * current ones. Versions are compared for equality, never order, so a version key that Redis lost
 * and re-created with a new random start cannot make an old entry look current.
 */
export function entryState(entry: StoredEntry, current: readonly string[], now: number): EntryState {
  if (!sameVersions(entry.vs, current)) return 'stale';
  return now >= entry.x ? 'expired' : 'fresh';
}

export function sameVersions(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sorted and deduplicated, so `['users','articles']` and `['articles','users']` share versions. */
export function normalizeTables(tables: readonly string[]): string[] {
  return [...new Set(tables)].sort();
}
