import type { FastifyInstance } from 'fastify';
import { viewerOfAuthed } from './auth.js';
import type { RouteContext } from './context.js';
import { invalid, notFound } from './http-errors.js';
import { mapPgErrors } from './pg-errors.js';
import { profileJson } from './presenters.js';
import { follow } from './profiles-sql.js';
import { UsernameParams } from './user-schemas.js';

/** Profiles, following and unfollowing. */
export function registerProfileRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db, reads, auth } = ctx;
  const schema = { params: UsernameParams };

  app.get<{ Params: UsernameParams }>(
    '/profiles/:username',
    { onRequest: auth.optional, schema },
    async (request) => {
      const p = await reads.profile(request.params.username, request.viewer?.id ?? null);
      if (!p) throw notFound('profile');
      return { profile: profileJson(p) };
    },
  );

  for (const [method, on] of [
    ['POST', true],
    ['DELETE', false],
  ] as const) {
    app.route<{ Params: UsernameParams }>({
      method,
      url: '/profiles/:username/follow',
      onRequest: auth.required,
      schema,
      handler: async (request) => {
        const viewer = viewerOfAuthed(request);
        const p = await mapPgErrors(follow(db, request.params.username, viewer.id, on));
        if (!p) throw notFound('profile');
        if (on && p.id === viewer.id) throw invalid('profile', 'cannot follow yourself');
        return { profile: profileJson(p) };
      },
    });
  }
}
