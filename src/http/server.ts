import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import type { Db, QueryCache } from '../data/index.js';
import { registerConduit } from '../service/index.js';
import { installErrorHandler } from './error-handler.js';
import { registerHealth } from './health.js';
import { installLoadShedding } from './load-shedding.js';
import { installRequestDeadline } from './request-deadline.js';

export interface AppDeps {
  config: Readonly<Config>;
  db: Db;
  jwtSecret: string;
  /** The query cache the service reads through; absent in the pre-incident profile. */
  cache?: QueryCache;
  /** Each request's deadline for its queries; absent, queries wait and run as long as they like. */
  requestBudgetMs?: number;
  /** Refuse requests while the event loop lags past this (ms); absent or 0, never. */
  maxEventLoopDelayMs?: number;
  /** A pino logger for the requests' log lines; without one, the server logs nothing (tests). */
  logger?: FastifyBaseLogger;
}

/** Assembles one worker's HTTP server: error handling, health, then the Conduit API under `/api`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: config.http.bodyLimitBytes,
    requestTimeout: config.http.requestTimeoutMs,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  installErrorHandler(app);
  if (deps.maxEventLoopDelayMs) await installLoadShedding(app, deps.maxEventLoopDelayMs);
  if (deps.requestBudgetMs !== undefined) installRequestDeadline(app, deps.requestBudgetMs);
  registerHealth(app, deps.db);
  await app.register(
    (api, _opts, done) => {
      registerConduit(api, {
        db: deps.db,
        config,
        jwtSecret: deps.jwtSecret,
        ...(deps.cache ? { cache: deps.cache } : {}),
      });
      done();
    },
    { prefix: '/api' },
  );
  return app;
}
