import type { Queryable, QueryCache } from '../data/index.js';
import { articlePage } from './article-page-sql.js';
import { sharedArticleBySlug, sharedArticlesByIds } from './article-read-sql.js';
import { CACHED, cacheKeys } from './cache-policy.js';
import { sharedComments } from './comments-sql.js';
import type { ArticleRow, SharedArticleRow } from './presenters.js';
import { sharedProfile } from './profiles-sql.js';
import { directReads, type Reads } from './reads.js';
import { popularTags } from './tags-sql.js';
import { viewerFlags } from './viewer-flags-sql.js';

interface CachedList {
  rows: SharedArticleRow[];
  total: number;
}

/**
 * The hot reads through the query cache. The cache holds only what every reader sees; `favorited`
 * and `following` are computed per request by one indexed statement for a signed-in viewer and none
 * for an anonymous one, so a cached entry never carries one user's flags to another.
 */
export function cachedReads(db: Queryable, cache: QueryCache): Reads {
  const direct = directReads(db);

  const withFlags = async (rows: SharedArticleRow[], viewerId: string | null): Promise<ArticleRow[]> => {
    const flags = await viewerFlags(
      db,
      viewerId,
      rows.map((r) => r.id),
      rows.map((r) => r.author_id),
    );
    return rows.map((r) => ({
      ...r,
      favorited: flags.favorited.has(r.id),
      following: flags.following.has(r.author_id),
    }));
  };

  return {
    async article(slug, viewerId) {
      const row = await cache.read(cacheKeys.article(slug), CACHED.article, () =>
        sharedArticleBySlug(db, slug),
      );
      return row ? ((await withFlags([row], viewerId))[0] ?? null) : null;
    },

    async articleList(filters, limit, offset, viewerId) {
      const key = cacheKeys.articleList(filters, limit, offset);
      if (key === null) return direct.articleList(filters, limit, offset, viewerId);
      const page = await cache.read<CachedList>(key, CACHED.articleList, async () => {
        const p = await articlePage(db, filters, limit, offset);
        return { rows: await sharedArticlesByIds(db, p.ids), total: p.total };
      });
      return { rows: await withFlags(page.rows, viewerId), total: page.total };
    },

    async profile(username, viewerId) {
      const p = await cache.read(cacheKeys.profile(username), CACHED.profile, () =>
        sharedProfile(db, username),
      );
      if (!p) return null;
      const flags = await viewerFlags(db, viewerId, [], [p.id]);
      return { ...p, following: flags.following.has(p.id) };
    },

    async comments(slug, viewerId) {
      const rows = await cache.read(cacheKeys.comments(slug), CACHED.comments, () =>
        sharedComments(db, slug),
      );
      if (!rows) return null;
      const flags = await viewerFlags(
        db,
        viewerId,
        [],
        rows.map((r) => r.author_id),
      );
      return rows.map((r) => ({ ...r, following: flags.following.has(r.author_id) }));
    },

    tags: () => cache.read(cacheKeys.tags(), CACHED.tags, () => popularTags(db)),
  };
}
