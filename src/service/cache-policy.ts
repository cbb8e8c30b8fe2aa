import type { ReadOptions } from '../data/index.js';
import type { ListFilters } from './article-page-sql.js';

/**
 * What the service caches, under which keys, and which tables each entry read. A write to any of the
 * tables (triggers and cascades included, see CONDUIT_WRITE_EFFECTS) makes the entry stale at once,
 * so the TTL only bounds how long another process may serve an entry whose invalidation Redis missed.
 * `favorites_count` is a column of `articles` kept by a trigger on `favorites`, so `articles` covers it.
 */
export const CACHED = {
  tags: { tables: ['tags'], ttlMs: 60_000 },
  article: { tables: ['articles', 'users', 'article_tags', 'tags'], ttlMs: 60_000 },
  profile: { tables: ['users'], ttlMs: 60_000 },
  // Listings churn with every new article or favorite; a shorter TTL keeps a missed invalidation short.
  articleList: {
    tables: ['articles', 'users', 'article_tags', 'tags', 'counters', 'favorites'],
    ttlMs: 30_000,
  },
  comments: { tables: ['comments', 'users', 'articles'], ttlMs: 60_000 },
} as const satisfies Record<string, ReadOptions>;

/** The largest page cached: the sizes clients ask for (RealWorld's default is 20 or fewer). */
export const MAX_CACHED_LIMIT = 20;

const FILTERS = ['tag', 'author', 'favorited'] as const;

// JSON keeps every user-supplied part quoted, so no slug, name or tag can forge another entry's key.
export const cacheKeys = {
  tags: () => 'tags',
  article: (slug: string) => `article:${JSON.stringify(slug)}`,
  profile: (username: string) => `profile:${JSON.stringify(username)}`,
  comments: (slug: string) => `comments:${JSON.stringify(slug)}`,
  /**
   * Only first pages of the unfiltered list or of one filter are cached: they take the traffic, and
   * deep pages or filter combinations would fill the cache with entries read once. Null: not cached.
   */
  articleList(filters: ListFilters, limit: number, offset: number): string | null {
    if (offset !== 0 || limit > MAX_CACHED_LIMIT) return null;
    const given = FILTERS.filter((name) => filters[name] !== undefined);
    if (given.length > 1) return null;
    const filter = given[0];
    const value = filter === undefined ? null : filters[filter];
    return `articles:${JSON.stringify([filter ?? null, value, limit])}`;
  },
};
