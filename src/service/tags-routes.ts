import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.js';

export function registerTagRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/tags', async () => ({ tags: await ctx.reads.tags() }));
}
