import type { FastifyInstance } from 'fastify';
import { articleBySlug } from './article-read-sql.js';
import { SlugParams } from './article-schemas.js';
import { viewerOfAuthed } from './auth.js';
import type { RouteContext } from './context.js';
import { favorite, unfavorite } from './favorites-sql.js';
import { notFound } from './http-errors.js';
import { mapPgErrors } from './pg-errors.js';
import { articleJson } from './presenters.js';

/** Favoriting and unfavoriting; both are idempotent and answer with the article as the viewer now sees it. */
export function registerFavoriteRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db, auth } = ctx;
  for (const [method, change] of [
    ['POST', favorite],
    ['DELETE', unfavorite],
  ] as const) {
    app.route<{ Params: SlugParams }>({
      method,
      url: '/articles/:slug/favorite',
      onRequest: auth.required,
      schema: { params: SlugParams },
      handler: async (request) => {
        const viewer = viewerOfAuthed(request);
        if (!(await mapPgErrors(change(db, request.params.slug, viewer.id)))) throw notFound('article');
        const article = await articleBySlug(db, request.params.slug, viewer.id);
        if (!article) throw notFound('article');
        return { article: articleJson(article) };
      },
    });
  }
}
