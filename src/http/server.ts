import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Config } from '../config/index.js';
import type { Db, QueryCache, RefusalNow } from '../data/index.js';
import { createModerationClient, registerConduit } from '../service/index.js';
import { installErrorHandler } from './error-handler.js';
import { registerHealth } from './health.js';
import { installLoadShedding } from './load-shedding.js';
import { installRequestDeadline } from './request-deadline.js';
import { type HttpTelemetry, installRequestTelemetry } from './request-telemetry.js';

export interface AppDeps {
  config: Readonly<Config>;
  db: Db;
  jwtSecret: string;
  /** The query cache the service reads through; absent in the pre-incident profile. */
  cache?: QueryCache;
  /** Each request's deadline for its queries; absent, queries wait and run as long as they like. */
  requestBudgetMs?: number;
  /** The guard's refusal for a query asking now: with it, doomed requests are refused on arrival. */
  refusalNow?: RefusalNow;
  /** Refuse requests while the event loop lags past this (ms); absent or 0, never. */
  maxEventLoopDelayMs?: number;
  /** A pino logger for the requests' log lines; without one, the server logs nothing (tests). */
  logger?: FastifyBaseLogger;
  /** Metrics, traces and the per-request log line; without it, none of them. */
  telemetry?: HttpTelemetry;
  /** The moderation service's base URL; absent (or `moderation.enabled` false), nothing is checked. */
  moderationUrl?: string;
}

/**
 * One line per request, written by the telemetry hook with its time breakdown, instead of Fastify's
 * two ("incoming request", "request completed"); Fastify's other lines (errors, 404s) stay.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(): void {}
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
    logController: new OneLinePerRequest(),
  });
  installErrorHandler(app);
  installRequestTelemetry(app, {
    ...deps.telemetry,
    logRequests: (deps.telemetry?.logRequests ?? true) && !!deps.logger,
  });
  // After the telemetry hooks, so a request refused for lag is still measured and logged.
  if (deps.maxEventLoopDelayMs) await installLoadShedding(app, deps.maxEventLoopDelayMs);
  if (deps.requestBudgetMs !== undefined) installRequestDeadline(app, deps.requestBudgetMs, deps.refusalNow);
  registerHealth(app, deps.db);
  const outbound = deps.telemetry?.outbound;
  const moderation =
    deps.moderationUrl && config.moderation.enabled
      ? createModerationClient({
          url: deps.moderationUrl,
          timeoutMs: config.moderation.timeoutMs,
          breakerFailures: config.moderation.breakerFailures,
          breakerResetMs: config.moderation.breakerResetMs,
          ...(outbound ? { onCall: outbound } : {}),
          onBreaker: (state) =>
            app.log.warn(
              { dependency: 'moderation', breaker: state, code: 'MODERATION_ERR_UNAVAILABLE' },
              state === 'open'
                ? 'moderation breaker open: new content is accepted and flagged for review'
                : `moderation breaker ${state}`,
            ),
        })
      : undefined;
  if (moderation) app.addHook('onClose', () => moderation.close());
  await app.register(
    (api, _opts, done) => {
      registerConduit(api, {
        db: deps.db,
        config,
        jwtSecret: deps.jwtSecret,
        ...(deps.cache ? { cache: deps.cache } : {}),
        ...(moderation ? { moderation } : {}),
      });
      done();
    },
    { prefix: '/api' },
  );
  return app;
}
