import { createByteLru } from './byte-lru.js';
import type { CacheBackend } from './cache-backend.js';
import type { CacheClock } from './clock.js';
import { sameVersions } from './entry.js';

export interface MemoryBackendOptions {
  maxBytes: number;
  clock: CacheClock;
}

/**
 * The in-process store: a byte-bounded LRU and a version counter per table. Everything is
 * synchronous under the hood, so a write's `bump` is visible to the very next lookup in this process
 * (read-your-writes); other processes never see it, which is why several processes need Redis.
 */
export function createMemoryBackend(options: MemoryBackendOptions): CacheBackend {
  const lru = createByteLru<{ payload: string; expiresAt: number }>(options.maxBytes);
  const versions = new Map<string, number>();
  let evictions = 0;
  const current = (tables: readonly string[]) => tables.map((t) => String(versions.get(t) ?? 0));

  return {
    kind: 'memory',
    async lookup(key, tables) {
      let slot = lru.get(key);
      // Dropped here rather than by a timer: an expired entry costs memory only until it is read or
      // pushed out by newer ones.
      if (slot && options.clock.now() >= slot.expiresAt) {
        lru.delete(key);
        slot = undefined;
      }
      return { status: 'ok', payload: slot?.payload, versions: current(tables) };
    },
    async store(key, payload, ttlMs, tables, computedUnder) {
      // A load that raced a write would only be rejected on its next read; not storing it keeps the
      // newer entry (if any) and the memory.
      if (!sameVersions(current(tables), computedUnder)) return;
      evictions += lru.set(
        key,
        { payload, expiresAt: options.clock.now() + ttlMs },
        Buffer.byteLength(payload),
      );
    },
    async bump(tables) {
      for (const t of tables) versions.set(t, (versions.get(t) ?? 0) + 1);
      return true;
    },
    usage: () => ({ bytes: lru.bytes, entries: lru.size, evictions, circuit: 'n/a' }),
    ready: async () => true,
    async close() {},
  };
}
