import type { CacheBackend } from './cache-backend.js';
import { type CacheStats, createCounters } from './cache-stats.js';
import type { CacheClock } from './clock.js';
import { decodeEntry, encodeEntry, entryState, normalizeTables } from './entry.js';
import { createSingleFlight } from './single-flight.js';
import { shouldRefreshEarly } from './xfetch.js';

export interface ReadOptions {
  /** Every table the loader reads; a write to any of them makes the result stale. */
  tables: readonly string[];
  ttlMs: number;
}

export interface QueryCache {
  /**
   * The cached result for `key`, or the loader's result (stored for the next reader). The value is
   * always the JSON round trip of what the loader returned, hit or miss, so its shape never depends
   * on the cache: timestamps come back as ISO strings, `undefined` as `null` (a not-found result is
   * cached too), and each caller gets its own copy.
   *
   * @example
   * const article = await cache.read(`article:${slug}`, { tables: ['articles', 'users'], ttlMs: 60_000 },
   *   () => db.query(ARTICLE_BY_SLUG, [slug]).then((r) => r.rows[0] ?? null));
   */
  read<T>(key: string, options: ReadOptions, loader: () => Promise<T>): Promise<T>;
  /**
   * Call after a write commits and before acknowledging it: results that read `tables` go stale.
   * `deferred` means Redis did not take it: this process bypasses the cache until it does, but
   * another process could serve an entry older than the write until then (or until its TTL); log it.
   */
  invalidate(tables: readonly string[]): Promise<InvalidateOutcome>;
  stats(): CacheStats;
  /** Resolves true once the backend is usable; reads work (uncached) before that. */
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export type InvalidateOutcome = 'applied' | 'deferred';

export interface QueryCacheCore {
  backend: CacheBackend;
  clock: CacheClock;
  /** XFetch's beta: 1 is the paper's optimum, 0 turns early refresh off. */
  beta: number;
  /** Uniform in (0, 1]: XFetch's draw. */
  random: () => number;
}

const copyOf = <T>(payload: string): T => (decodeEntry(payload)?.v ?? null) as T;

/** The read-through logic over any backend; `createQueryCache` in index.ts picks the backend. */
export function createQueryCacheCore(core: QueryCacheCore): QueryCache {
  const { backend, clock } = core;
  const counters = createCounters();
  const flights = createSingleFlight();
  // Bypassed loads (backend unavailable) are still single-flight, keyed by this process's writes so
  // that a read after a local write never joins a load that started before it.
  let localGeneration = 0;
  // The newest load per key and the local generation it started in: a bypassing reader (Redis slow
  // for this one command) joins it rather than sending a second query for the same key.
  const newestLoad = new Map<string, { flightKey: string; generation: number }>();

  /**
   * Runs the loader once per key and versions: a reader that saw newer versions (a write was
   * acknowledged in between) starts its own load instead of joining one that may predate the write.
   * The entry is tagged with the versions read *before* the loader ran, so a load that raced a write
   * is stored under the old versions and rejected on its next read.
   */
  const load = (
    key: string,
    tables: readonly string[],
    ttlMs: number,
    versions: readonly string[] | undefined,
    loader: () => Promise<unknown>,
  ) => {
    let flightKey = `${key}\u0000${versions ? versions.join(',') : `local:${localGeneration}`}`;
    const newest = newestLoad.get(key);
    if (!versions && newest?.generation === localGeneration && flights.has(newest.flightKey)) {
      flightKey = newest.flightKey;
    }
    const generation = localGeneration;
    const flight = flights.run(flightKey, async () => {
      const started = clock.now();
      let value: unknown;
      try {
        value = await loader();
      } catch (err) {
        counters.loaderErrors++;
        throw err;
      }
      const now = clock.now();
      const payload = encodeEntry({
        v: value ?? null,
        vs: [...(versions ?? [])],
        x: now + ttlMs,
        d: now - started,
      });
      if (versions) await backend.store(key, payload, ttlMs, tables, versions);
      return payload;
    });
    if (flight.leader) {
      newestLoad.set(key, { flightKey, generation });
      flight.promise.then(
        () => newestLoad.get(key)?.flightKey === flightKey && newestLoad.delete(key),
        () => newestLoad.get(key)?.flightKey === flightKey && newestLoad.delete(key),
      );
    }
    return flight;
  };

  return {
    async read<T>(key: string, options: ReadOptions, loader: () => Promise<T>): Promise<T> {
      const tables = normalizeTables(options.tables);
      const found = await backend.lookup(key, tables);
      if (found.status === 'unavailable') {
        counters.bypasses++;
        const flight = load(key, tables, options.ttlMs, undefined, loader);
        if (!flight.leader) counters.coalesced++;
        return copyOf<T>(await flight.promise);
      }
      const entry = found.payload === undefined ? undefined : decodeEntry(found.payload);
      if (entry) {
        const now = clock.now();
        const state = entryState(entry, found.versions, now);
        if (state === 'fresh') {
          counters.hits++;
          const early = shouldRefreshEarly({
            now,
            expiresAt: entry.x,
            deltaMs: entry.d,
            beta: core.beta,
            random: core.random,
          });
          if (early && !flights.has(`${key}\u0000${found.versions.join(',')}`)) {
            counters.earlyRefreshes++;
            // The caller is served the valid entry now; the refresh lands before the TTL does. Its
            // failure is counted in loaderErrors and the entry simply expires as it would have.
            load(key, tables, options.ttlMs, found.versions, loader).promise.catch(() => {});
          }
          return entry.v as T;
        }
        if (state === 'stale') counters.staleRejections++;
        else counters.expirations++;
      }
      counters.misses++;
      const flight = load(key, tables, options.ttlMs, found.versions, loader);
      if (!flight.leader) counters.coalesced++;
      return copyOf<T>(await flight.promise);
    },
    async invalidate(tables) {
      localGeneration++;
      if (await backend.bump(normalizeTables(tables))) return 'applied';
      counters.deferredInvalidations++;
      return 'deferred';
    },
    stats() {
      const usage = backend.usage();
      return { backend: backend.kind, ...counters, ...usage };
    },
    ready: (timeoutMs = 2_000) => backend.ready(timeoutMs),
    close: () => backend.close(),
  };
}
