import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  newRequestTiming,
  type OutboundOutcome,
  type RequestTiming,
  requestLogFields,
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

/** Requests that matched no route share one label, so a scan of random URLs creates no series. */
export const UNMATCHED_ROUTE = 'unmatched';

// A request decoration rather than a WeakMap keyed by the request: one property store on an object
// Fastify already shapes for it, where a WeakMap entry per request is an ephemeron for the GC.
const TIMING = 'bulwarkTiming';
type TimedRequest = FastifyRequest & { [TIMING]: RequestTiming | null };

function userIdOf(request: FastifyRequest): string | undefined {
  // Only the id: the viewer also holds the bearer token, which must never reach a log line.
  const viewer = (request as unknown as { viewer?: { id?: unknown } | null }).viewer;
  return typeof viewer?.id === 'string' ? viewer.id : undefined;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * Per request: a timing that the data layer, the cache and outbound calls add to; a span when
 * tracing is on (joining the caller's trace when it sent a `traceparent`); at the end, the duration
 * histogram by route template (never the raw URL) and one log line with the breakdown: pool wait,
 * database, cache, outbound and the worker's own time. With nothing to report to (telemetry off),
 * no hook is installed, so switching telemetry off also switches off its per-request bookkeeping.
 */
export function installRequestTelemetry(app: FastifyInstance, telemetry: HttpTelemetry): void {
  const { metrics, tracing } = telemetry;
  const logRequests = telemetry.logRequests ?? true;
  if (!metrics && !tracing && !logRequests) return;
  app.decorateRequest(TIMING, null);

  app.addHook('onRequest', (request, _reply, done) => {
    const timing = newRequestTiming();
    if (tracing) timing.span = tracing.startRequest(request.method, pathOf(request.url), request.headers);
    (request as TimedRequest)[TIMING] = timing;
    runWithRequestTiming(timing, done);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const timing = (request as TimedRequest)[TIMING];
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    metrics?.observeRequest(route, request.method, status, ms / 1000);
    if (timing?.span) tracing?.endRequest(timing.span, route, status);
    if (logRequests && timing)
      request.log.info(
        requestLogFields(timing, route, request.method, status, userIdOf(request), ms),
        'request',
      );
    done();
  });
}
