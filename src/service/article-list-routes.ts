import type { FastifyInstance } from 'fastify';
import { articlePage, feedPage, type Page } from './article-page-sql.js';
import { articlesByIds } from './article-read-sql.js';
import { viewerOfAuthed } from './auth.js';
import type { RouteContext } from './context.js';
import { checkedPage, type FeedQuery, feedQuery, type ListQuery, listQuery } from './list-schemas.js';
import { articleJson } from './presenters.js';

/**
 * The article lists. Each costs two statements whatever the page size: the page of ids with its
 * total (walking an ordered index), then every row of that page with tags, author and viewer flags.
 */
export function registerArticleListRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db, auth, config } = ctx;

  const render = async (page: Page, viewerId: string | null) => ({
    articles: (await articlesByIds(db, page.ids, viewerId)).map(articleJson),
    articlesCount: page.total,
  });

  app.get<{ Querystring: ListQuery }>(
    '/articles',
    { onRequest: auth.optional, schema: { querystring: listQuery(config.api) } },
    async (request) => {
      const { tag, author, favorited } = request.query;
      const { limit, offset } = checkedPage(request.query, config.api);
      const page = await articlePage(db, { tag, author, favorited }, limit, offset);
      return render(page, request.viewer?.id ?? null);
    },
  );

  app.get<{ Querystring: FeedQuery }>(
    '/articles/feed',
    { onRequest: auth.required, schema: { querystring: feedQuery(config.api) } },
    async (request) => {
      const viewer = viewerOfAuthed(request);
      const { limit, offset } = checkedPage(request.query, config.api);
      const page = await feedPage(db, viewer.id, limit, offset);
      return render(page, viewer.id);
    },
  );
}
