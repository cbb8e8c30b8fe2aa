import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  breakdownOf,
  newRequestTiming,
  type OutboundOutcome,
  type RequestSpan,
  type RequestTiming,
  runWithRequestTiming,
  type Tracing,
  type WorkerMetrics,
} from '../telemetry/index.js';

/** What the HTTP layer reports each request to. */
export interface HttpTelemetry {
  metrics?: Pick<WorkerMetrics, 'observeRequest'>;
  tracing?: Tracing;
  /** One JSON log line per request (default true when the app has a logger). */
  logRequests?: boolean;
  /** Every outbound call (the moderation client's), with `performance.now()` times. */
  outbound?: (dependency: string, outcome: OutboundOutcome, startMs: number, endMs: number) => void;
}

interface InFlight {
  timing: RequestTiming;
  span: RequestSpan | undefined;
}

/** Requests that matched no route share one label, so a scan of random URLs creates no series. */
export const UNMATCHED_ROUTE = 'unmatched';

function userIdOf(request: FastifyRequest): string | undefined {
  // Only the id: the viewer also holds the bearer token, which must never reach a log line.
  const viewer = (request as unknown as { viewer?: { id?: unknown } | null }).viewer;
  return typeof viewer?.id === 'string' ? viewer.id : undefined;
}

/**
 * Per request: a timing that the data layer, the cache and outbound calls add to; a span when
 * tracing is on; at the end, the duration histogram by route template (never the raw URL) and one
 * log line with the breakdown: pool wait, database, cache, outbound and the worker's own time.
 */
export function installRequestTelemetry(app: FastifyInstance, telemetry: HttpTelemetry): void {
  const inFlight = new WeakMap<FastifyRequest, InFlight>();
  const { metrics, tracing } = telemetry;
  const logRequests = telemetry.logRequests ?? true;

  app.addHook('onRequest', (request, _reply, done) => {
    const timing = newRequestTiming();
    const span = tracing?.startRequest(request.method, request.url.split('?')[0] ?? '/');
    if (span) timing.span = span;
    inFlight.set(request, { timing, span });
    runWithRequestTiming(timing, done);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const state = inFlight.get(request);
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    metrics?.observeRequest(route, request.method, status, ms / 1000);
    if (state?.span) tracing?.endRequest(state.span, route, status);
    if (logRequests && state) {
      const userId = userIdOf(request);
      request.log.info(
        {
          route,
          method: request.method,
          status,
          ...(userId ? { userId } : {}),
          ...breakdownOf(state.timing, ms),
          ...(state.span ? { traceId: state.span.traceId } : {}),
        },
        'request',
      );
    }
    done();
  });
}
