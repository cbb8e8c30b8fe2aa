import { createByteLru } from './byte-lru.js';
import type { CacheBackend } from './cache-backend.js';
import type { CacheClock } from './clock.js';
import { sameVersions } from './entry.js';
import { localTableVersions, type TableVersions } from './table-versions.js';
import { createVersionBatcher } from './version-batcher.js';

export interface MemoryBackendOptions {
  maxBytes: number;
  clock: CacheClock;
  /** Default: this process's own; the workers of one machine share a version file. */
  versions?: TableVersions;
}

/**
 * The in-process store: a byte-bounded LRU and a version per table. A bump is done when it returns,
 * and every lookup reads the versions after it began, so a write's bump is visible to the very next
 * lookup (read-your-writes). With the versions shared by the workers of a machine, that holds in
 * every worker; across hosts it takes Redis.
 */
export function createMemoryBackend(options: MemoryBackendOptions): CacheBackend {
  const lru = createByteLru<{ payload: string; expiresAt: number }>(options.maxBytes);
  const versions = options.versions ?? localTableVersions();
  let evictions = 0;
  // Shared versions cost a read of their file: the lookups of one event-loop turn share one, read
  // after all of them began, as the Redis backend's share one MGET.
  const batch = versions.shared
    ? createVersionBatcher(async (tables) => versions.current(tables))
    : undefined;

  return {
    kind: 'memory',
    async lookup(key, tables) {
      const now = batch ? ((await batch.read(tables)) as string[]) : versions.current(tables);
      let slot = lru.get(key);
      // Dropped here rather than by a timer: an expired entry costs memory only until it is read or
      // pushed out by newer ones.
      if (slot && options.clock.now() >= slot.expiresAt) {
        lru.delete(key);
        slot = undefined;
      }
      return { status: 'ok', payload: slot?.payload, versions: now };
    },
    async store(key, payload, ttlMs, tables, computedUnder) {
      // A load that raced a write would only be rejected on its next read; not storing it keeps the
      // newer entry (if any) and the memory.
      if (!sameVersions(versions.current(tables), computedUnder)) return;
      evictions += lru.set(
        key,
        { payload, expiresAt: options.clock.now() + ttlMs },
        Buffer.byteLength(payload),
      );
    },
    async bump(tables) {
      versions.bump(tables);
      return true;
    },
    usage: () => ({ bytes: lru.bytes, entries: lru.size, evictions, circuit: 'n/a' }),
    ready: async () => true,
    async close() {
      versions.close();
    },
  };
}
