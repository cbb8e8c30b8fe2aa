import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.js';
import { popularTags } from './tags-sql.js';

export function registerTagRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/tags', async () => ({ tags: await popularTags(ctx.db) }));
}
