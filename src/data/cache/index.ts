/**
 * The query-result cache: read-through, bounded by bytes (LRU), TTL plus invalidation by table
 * version, single-flight misses and XFetch early refresh. In-process by default, with table versions
 * shared by the workers of one machine; Redis when a URL is given, shared by every process on any
 * host; Redis trouble degrades to "no cache", never to errors or hangs.
 *
 * How the service uses it:
 *
 * - Cache the shared part of a response only. An article body (slug, title, body, tags, author's
 *   username/bio/image, favoritesCount) is the same for every reader; `favorited` and `following`
 *   depend on who asks. Cache the body under a key without the user, then compute the per-user
 *   fields per request with one cheap indexed query (`SELECT article_id FROM favorites WHERE
 *   user_id = $1 AND article_id = ANY($2)`, `SELECT followee_id FROM follows WHERE …`) and spread
 *   them onto the copy: `{ ...cached, favorited, author: { ...cached.author, following } }`. Never
 *   put a user id into a shared key, and never cache a response that has per-user fields in it.
 * - Name every table the loader reads in `tables`, triggers' targets included if the result shows a
 *   counter (`favorites_count` lives in `articles`, kept by a trigger on `favorites`):
 *     article by slug `article:<slug>`        → articles, users, article_tags, tags
 *     profile body `profile:<username>`        → users
 *     tag list `tags`                          → tags
 *     first list pages `articles:<query>`      → articles, users, article_tags, tags, counters
 *     comments `comments:<slug>`               → comments, users, articles
 *   The feed is per user: do not cache it here.
 * - After a write commits and before answering, call `invalidate(tables)` with the tables written.
 *   `withCacheInvalidation(db, cache)` does it for every statement, from the SQL text plus the
 *   Conduit schema's trigger and cascade effects, so handlers cannot forget.
 * - Values come back as their JSON round trip, hit or miss, so `Date`s are ISO strings either way.
 */

import { type CacheClock, systemCacheClock } from './clock.js';
import { createMemoryBackend } from './memory-backend.js';
import { createQueryCacheCore, type QueryCache } from './query-cache.js';
import { createRedisBackend } from './redis-backend.js';
import { sharedTableVersions } from './table-versions.js';

export type { CacheBackend, Lookup } from './cache-backend.js';
export type { CacheStats } from './cache-stats.js';
export type { CacheClock } from './clock.js';
export { withCacheInvalidation } from './invalidating-db.js';
export type { InvalidateOutcome, QueryCache, ReadOptions } from './query-cache.js';
export { createSharedVersionsFile } from './table-versions.js';
export {
  CONDUIT_WRITE_EFFECTS,
  type WriteEffects,
  type Writes,
  withWriteEffects,
  writtenTables,
} from './written-tables.js';

export interface QueryCacheOptions {
  /** `false` is "no cache": every read calls its loader (the pre-incident profile). */
  enabled?: boolean;
  /** When set, entries and versions live in Redis, shared by every process using the same URL. */
  redisUrl?: string;
  /**
   * In-process mode only: the version file (`createSharedVersionsFile`) that this process shares
   * with the other processes caching the same database on this machine. Without it, a write in
   * one process leaves the others serving the old result until its TTL.
   */
  sharedVersionsPath?: string;
  /** In-process store budget (with Redis: the near copy's); default 64 MiB. */
  maxBytes?: number;
  /** XFetch beta, default 1; 0 turns early refresh off. */
  beta?: number;
  /** Redis key prefix, default `bulwark:cache:`. */
  redisPrefix?: string;
  /** Default 100 ms: a slower Redis is treated as down for that read. */
  redisCommandTimeoutMs?: number;
  /** Consecutive Redis failures that open the circuit; default 3. */
  redisFailureThreshold?: number;
  /** How long an invalidation retries a connected but slow Redis before it is deferred; default 500 ms. */
  redisInvalidateTimeoutMs?: number;
  /** Background probe interval while the circuit is open; default 1000 ms. */
  redisProbeIntervalMs?: number;
  clock?: CacheClock;
  random?: () => number;
}

export const CACHE_DEFAULTS = {
  maxBytes: 64 * 1024 * 1024,
  beta: 1,
  redisPrefix: 'bulwark:cache:',
  redisCommandTimeoutMs: 100,
  redisFailureThreshold: 3,
  redisProbeIntervalMs: 1_000,
  redisInvalidateTimeoutMs: 500,
} as const;

/** The cache for this process; one per process, shared by every handler. */
export function createQueryCache(options: QueryCacheOptions = {}): QueryCache {
  if (options.enabled === false) return createNoCache();
  const clock = options.clock ?? systemCacheClock;
  const backend = options.redisUrl
    ? createRedisBackend({
        url: options.redisUrl,
        prefix: options.redisPrefix ?? CACHE_DEFAULTS.redisPrefix,
        commandTimeoutMs: options.redisCommandTimeoutMs ?? CACHE_DEFAULTS.redisCommandTimeoutMs,
        failureThreshold: options.redisFailureThreshold ?? CACHE_DEFAULTS.redisFailureThreshold,
        probeIntervalMs: options.redisProbeIntervalMs ?? CACHE_DEFAULTS.redisProbeIntervalMs,
        invalidateTimeoutMs: options.redisInvalidateTimeoutMs ?? CACHE_DEFAULTS.redisInvalidateTimeoutMs,
        nearMaxBytes: options.maxBytes ?? CACHE_DEFAULTS.maxBytes,
        now: () => clock.now(),
      })
    : createMemoryBackend({
        maxBytes: options.maxBytes ?? CACHE_DEFAULTS.maxBytes,
        clock,
        ...(options.sharedVersionsPath ? { versions: sharedTableVersions(options.sharedVersionsPath) } : {}),
      });
  return createQueryCacheCore({
    backend,
    clock,
    beta: options.beta ?? CACHE_DEFAULTS.beta,
    random: options.random ?? Math.random,
  });
}

/** Every read calls its loader; values still take the JSON round trip so shapes match the cache's. */
function createNoCache(): QueryCache {
  let loaderErrors = 0;
  let misses = 0;
  return {
    async read(_key, _options, loader) {
      misses++;
      try {
        return JSON.parse(JSON.stringify((await loader()) ?? null));
      } catch (err) {
        loaderErrors++;
        throw err;
      }
    },
    invalidate: async () => 'applied',
    stats: () => ({
      backend: 'off',
      hits: 0,
      misses,
      staleRejections: 0,
      expirations: 0,
      coalesced: 0,
      earlyRefreshes: 0,
      loaderErrors,
      bypasses: 0,
      deferredInvalidations: 0,
      evictions: 0,
      bytes: 0,
      entries: 0,
      circuit: 'n/a',
    }),
    ready: async () => true,
    close: async () => {},
  };
}
