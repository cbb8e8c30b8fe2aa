/**
 * A least-recently-used map bounded by bytes, not entries: cached query results vary from a tag list
 * of 200 bytes to a page of articles of 50 kB, so an entry count says nothing about memory.
 */
export interface ByteLru<V> {
  get(key: string): V | undefined;
  /** Stores `value` costing `bytes`; returns how many entries were evicted to make room. */
  set(key: string, value: V, bytes: number): number;
  delete(key: string): boolean;
  readonly size: number;
  readonly bytes: number;
}

// Map and string bookkeeping per entry, so that a million tiny entries still count for something.
export const ENTRY_OVERHEAD_BYTES = 64;

export function createByteLru<V>(maxBytes: number): ByteLru<V> {
  // A Map iterates in insertion order: re-inserting on access keeps the least recently used first.
  const map = new Map<string, { value: V; bytes: number }>();
  let used = 0;

  const remove = (key: string) => {
    const slot = map.get(key);
    if (!slot) return false;
    map.delete(key);
    used -= slot.bytes;
    return true;
  };

  return {
    get(key) {
      const slot = map.get(key);
      if (!slot) return undefined;
      map.delete(key);
      map.set(key, slot);
      return slot.value;
    },
    set(key, value, bytes) {
      remove(key);
      const cost = bytes + ENTRY_OVERHEAD_BYTES;
      // An entry larger than the whole budget would evict everything and then not fit: skip it.
      if (cost > maxBytes) return 0;
      let evicted = 0;
      for (const oldest of map.keys()) {
        if (used + cost <= maxBytes) break;
        remove(oldest);
        evicted++;
      }
      map.set(key, { value, bytes: cost });
      used += cost;
      return evicted;
    },
    delete: remove,
    get size() {
      return map.size;
    },
    get bytes() {
      return used;
    },
  };
}
