import type { FastifyInstance } from 'fastify';
import { CommentBody, CommentParams, SlugParams } from './article-schemas.js';
import { viewerOfAuthed } from './auth.js';
import { deleteComment, insertComment } from './comments-sql.js';
import type { RouteContext } from './context.js';
import { forbidden, invalid, notFound } from './http-errors.js';
import { mapPgErrors } from './pg-errors.js';
import { commentJson } from './presenters.js';

/** Comments on an article. */
export function registerCommentRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db, reads, auth } = ctx;

  app.get<{ Params: SlugParams }>(
    '/articles/:slug/comments',
    { onRequest: auth.optional, schema: { params: SlugParams } },
    async (request) => {
      const comments = await reads.comments(request.params.slug, request.viewer?.id ?? null);
      if (!comments) throw notFound('article');
      return { comments: comments.map(commentJson) };
    },
  );

  app.post<{ Params: SlugParams; Body: CommentBody }>(
    '/articles/:slug/comments',
    { onRequest: auth.required, schema: { params: SlugParams, body: CommentBody } },
    async (request, reply) => {
      const viewer = viewerOfAuthed(request);
      const body = request.body.comment.body;
      if (body.trim() === '') throw invalid('body', "can't be blank");
      // Before the insert: a slow moderation service must never hold a database connection.
      const status = ctx.moderation ? await ctx.moderation.check(body) : 'unchecked';
      const comment = await mapPgErrors(insertComment(db, request.params.slug, viewer.id, body, status));
      if (!comment) throw notFound('article');
      return reply.status(201).send({ comment: commentJson(comment) });
    },
  );

  app.delete<{ Params: CommentParams }>(
    '/articles/:slug/comments/:id',
    { onRequest: auth.required, schema: { params: CommentParams } },
    async (request, reply) => {
      const viewer = viewerOfAuthed(request);
      // Ajv's coercion lets "1e999" through as Infinity; the database must only ever see a bigint.
      if (!Number.isSafeInteger(request.params.id)) throw invalid('id', 'must be an integer');
      const outcome = await deleteComment(db, request.params.slug, request.params.id, viewer.id);
      if (!outcome.article) throw notFound('article');
      if (!outcome.comment) throw notFound('comment');
      if (!outcome.deleted) throw forbidden('comment');
      return reply.status(204).send();
    },
  );
}
