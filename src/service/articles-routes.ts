import type { FastifyInstance } from 'fastify';
import { articleBySlug } from './article-read-sql.js';
import { CreateArticleBody, SlugParams, UpdateArticleBody } from './article-schemas.js';
import { deleteArticle, insertArticle, updateArticle } from './article-write-sql.js';
import { viewerOfAuthed } from './auth.js';
import type { RouteContext } from './context.js';
import { forbidden, invalid, notFound } from './http-errors.js';
import { mapPgErrors } from './pg-errors.js';
import { articleJson } from './presenters.js';
import { normalizeTags } from './tags.js';

function nonBlank(field: string, value: string): string {
  if (value.trim() === '') throw invalid(field, "can't be blank");
  return value;
}
const optionalNonBlank = (field: string, value: string | undefined) =>
  value === undefined ? undefined : nonBlank(field, value);

/** Creating, reading, updating and deleting single articles. */
export function registerArticleRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db, reads, auth } = ctx;

  app.post<{ Body: CreateArticleBody }>(
    '/articles',
    { onRequest: auth.required, schema: { body: CreateArticleBody } },
    async (request, reply) => {
      const viewer = viewerOfAuthed(request);
      const a = request.body.article;
      const input = {
        title: nonBlank('title', a.title),
        description: nonBlank('description', a.description),
        body: nonBlank('body', a.body),
        tags: normalizeTags(a.tagList ?? []),
        authorId: viewer.id,
        // Before the transaction: a slow moderation service must never hold a database connection.
        moderationStatus: ctx.moderation
          ? await ctx.moderation.check(`${a.title}\n${a.description}\n${a.body}`)
          : ('unchecked' as const),
      };
      const article = await mapPgErrors(
        db.transaction(async (tx) => articleBySlug(tx, await insertArticle(tx, input), viewer.id)),
      );
      if (!article) throw notFound('article');
      return reply.status(201).send({ article: articleJson(article) });
    },
  );

  app.get<{ Params: SlugParams }>(
    '/articles/:slug',
    { onRequest: auth.optional, schema: { params: SlugParams } },
    async (request) => {
      const article = await reads.article(request.params.slug, request.viewer?.id ?? null);
      if (!article) throw notFound('article');
      return { article: articleJson(article) };
    },
  );

  app.put<{ Params: SlugParams; Body: UpdateArticleBody }>(
    '/articles/:slug',
    { onRequest: auth.required, schema: { params: SlugParams, body: UpdateArticleBody } },
    async (request) => {
      const viewer = viewerOfAuthed(request);
      const a = request.body.article;
      const changes = {
        title: optionalNonBlank('title', a.title),
        description: optionalNonBlank('description', a.description),
        body: optionalNonBlank('body', a.body),
        // Omitted keeps the tags; [] removes them all.
        tags: a.tagList === undefined ? undefined : normalizeTags(a.tagList),
      };
      const article = await db.transaction(async (tx) => {
        const outcome = await updateArticle(tx, request.params.slug, viewer.id, changes);
        if (!outcome.ok) throw outcome.exists ? forbidden('article') : notFound('article');
        return articleBySlug(tx, request.params.slug, viewer.id);
      });
      if (!article) throw notFound('article');
      return { article: articleJson(article) };
    },
  );

  app.delete<{ Params: SlugParams }>(
    '/articles/:slug',
    { onRequest: auth.required, schema: { params: SlugParams } },
    async (request, reply) => {
      const viewer = viewerOfAuthed(request);
      const outcome = await deleteArticle(db, request.params.slug, viewer.id);
      if (!outcome.ok) throw outcome.exists ? forbidden('article') : notFound('article');
      return reply.status(204).send();
    },
  );
}
