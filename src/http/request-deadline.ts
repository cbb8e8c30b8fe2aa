import type { FastifyInstance } from 'fastify';
import { joinRequestContext } from '../data/index.js';
import { queryClassOf } from './query-classes.js';

/**
 * Gives every request a deadline, a query class and an abort signal, in the request context the
 * guard reads: so the data layer knows how long a query may wait or run, which share of the
 * connections it may use, and when the client has gone away, without the handlers passing it down.
 */
export function installRequestDeadline(app: FastifyInstance, budgetMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const controller = new AbortController();
    // The response closing before it finished means the connection is gone: nobody is waiting for
    // the answer. (The request's own 'close' fires as soon as its body has been read.)
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    // Joins the scope the telemetry hook entered, when it did: one store per request, not two.
    joinRequestContext(
      {
        deadline: Date.now() + budgetMs,
        queryClass: queryClassOf(request.method, request.routeOptions.url),
        signal: controller.signal,
      },
      done,
    );
  });
}
