import type { FastifyInstance } from 'fastify';
import { withCacheInvalidation } from '../data/index.js';
import { registerArticleListRoutes } from './article-list-routes.js';
import { registerArticleRoutes } from './articles-routes.js';
import { authHooks } from './auth.js';
import { cachedReads } from './cached-reads.js';
import { registerCommentRoutes } from './comments-routes.js';
import type { RouteContext } from './context.js';
import type { ServiceDeps } from './deps.js';
import { registerFavoriteRoutes } from './favorites-routes.js';
import { acceptEmptyJson } from './json-body.js';
import { registerProfileRoutes } from './profiles-routes.js';
import { directReads } from './reads.js';
import { registerTagRoutes } from './tags-routes.js';
import { createTokenService } from './token.js';
import { registerUserRoutes } from './users-routes.js';

export type { ServiceDeps } from './deps.js';
export {
  createModerationClient,
  MODERATION_DEPENDENCY,
  MODERATION_STATUSES,
  type ModerationCheck,
  type ModerationClientOptions,
  type ModerationOutcome,
  type ModerationStatus,
} from './moderation-client.js';
export { createTokenService, type TokenService } from './token.js';

/** Registers every Conduit route on `app` (mounted under `/api`). */
export function registerConduit(app: FastifyInstance, deps: ServiceDeps): void {
  const tokens = createTokenService(deps.jwtSecret, deps.config.auth.tokenTtlSeconds);
  // Every write goes through the wrapped Db, so no handler can forget to invalidate: the tables a
  // statement or transaction wrote go stale after it commits and before the handler can answer.
  const db = deps.cache ? withCacheInvalidation(deps.db, deps.cache) : deps.db;
  const reads = deps.cache ? cachedReads(db, deps.cache) : directReads(db);
  const ctx: RouteContext = { ...deps, db, reads, tokens, auth: authHooks(tokens) };
  app.decorateRequest('viewer', null);
  acceptEmptyJson(app);
  registerUserRoutes(app, ctx);
  registerProfileRoutes(app, ctx);
  registerArticleListRoutes(app, ctx);
  registerArticleRoutes(app, ctx);
  registerFavoriteRoutes(app, ctx);
  registerCommentRoutes(app, ctx);
  registerTagRoutes(app, ctx);
}
