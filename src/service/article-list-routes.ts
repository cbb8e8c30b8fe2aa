import type { FastifyInstance } from 'fastify';
import { feedPage } from './article-page-sql.js';
import { articlesByIds } from './article-read-sql.js';
import { viewerOfAuthed } from './auth.js';
import type { RouteContext } from './context.js';
import { checkedPage, type FeedQuery, feedQuery, type ListQuery, listQuery } from './list-schemas.js';
import { articleJson } from './presenters.js';

/**
 * The article lists. Uncached, each costs two statements whatever the page size: the page of ids with
 * its total (walking an ordered index), then every row of that page with tags, author and viewer
 * flags. A cached first page costs nothing for an anonymous reader and one statement (the viewer's
 * flags) for a signed-in one; a miss adds the same two statements without the flags.
 */
export function registerArticleListRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db, reads, auth, config } = ctx;

  app.get<{ Querystring: ListQuery }>(
    '/articles',
    { onRequest: auth.optional, schema: { querystring: listQuery(config.api) } },
    async (request) => {
      const { tag, author, favorited } = request.query;
      const { limit, offset } = checkedPage(request.query, config.api);
      const list = await reads.articleList(
        { tag, author, favorited },
        limit,
        offset,
        request.viewer?.id ?? null,
      );
      return { articles: list.rows.map(articleJson), articlesCount: list.total };
    },
  );

  app.get<{ Querystring: FeedQuery }>(
    '/articles/feed',
    { onRequest: auth.required, schema: { querystring: feedQuery(config.api) } },
    async (request) => {
      const viewer = viewerOfAuthed(request);
      const { limit, offset } = checkedPage(request.query, config.api);
      // Per user by nature: never cached.
      const page = await feedPage(db, viewer.id, limit, offset);
      return {
        articles: (await articlesByIds(db, page.ids, viewer.id)).map(articleJson),
        articlesCount: page.total,
      };
    },
  );
}
