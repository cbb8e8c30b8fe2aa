import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { BulwarkError } from '../errors/index.js';

/** How often the event-loop delay is read: short, so a spike is noticed within a few requests. */
const SAMPLE_INTERVAL_MS = 100;

/**
 * Requests in flight in this worker below which lag is never the worker's own doing. A lagging loop
 * with a handful of requests is a busy machine (other processes, a GC pause), and refusing its only
 * client helps nobody; a spike shows as hundreds in flight.
 */
export const SHED_MIN_INFLIGHT = 32;

/**
 * The worker's own saturation, the one bottleneck the guard cannot see: when the event loop lags,
 * every request (served or refused) waits in line for the CPU, and a refusal that should take a
 * millisecond takes the lag. Past `maxEventLoopDelayMs`, with many requests in flight, new requests
 * are refused on arrival, before routing, parsing or any query, with the same 503 + Retry-After body
 * as every overload answer. Health endpoints are exempt: a probe must see the worker alive.
 * (@fastify/under-pressure does the measuring; it watches only the event loop, which is why the guard
 * sits behind it.)
 */
export async function installLoadShedding(app: FastifyInstance, maxEventLoopDelayMs: number): Promise<void> {
  let inflight = 0;
  app.addHook('onRequest', (_request, reply, done) => {
    inflight++;
    reply.raw.once('close', () => inflight--);
    done();
  });
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    sampleInterval: SAMPLE_INTERVAL_MS,
    // Async, so the refusal travels as next(err) to the one error handler; undefined lets it pass.
    pressureHandler: async (request) => {
      if (request.url.startsWith('/health/') || inflight <= SHED_MIN_INFLIGHT) return;
      throw new BulwarkError('HTTP_ERR_OVERLOADED', "the worker's event loop is lagging; retry shortly");
    },
  });
}

/** The mean event-loop delay over the last sample, in ms (0 until measured). */
export function eventLoopDelayOf(app: FastifyInstance): number {
  return app.memoryUsage().eventLoopDelay;
}
