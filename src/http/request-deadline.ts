import type { FastifyInstance } from 'fastify';
import { joinRequestContext, type RefusalNow, type RequestContext } from '../data/index.js';
import { queryClassOf } from './query-classes.js';
import { createRouteReach } from './route-reach.js';

/**
 * Gives every request a deadline, a query class and an abort signal, in the request context the
 * guard reads: so the data layer knows how long a query may wait or run, which share of the
 * connections it may use, and when the client has gone away, without the handlers passing it down.
 *
 * With `refusalNow`, a request on a route that nearly always needs the database is refused on
 * arrival when the guard would refuse its first query anyway: the same 503, before the body is
 * parsed, the token checked and the handler run, which under a spike is most of a refusal's cost
 * and the CPU the requests that are served need.
 */
export function installRequestDeadline(
  app: FastifyInstance,
  budgetMs: number,
  refusalNow?: RefusalNow,
): void {
  const reach = createRouteReach();
  app.addHook('onRequest', (request, reply, done) => {
    const controller = new AbortController();
    // routeOptions is a getter that builds a new object on every read: read it once.
    const routeUrl = request.routeOptions.url;
    const route = `${request.method} ${routeUrl}`;
    const ctx: RequestContext = {
      deadline: Date.now() + budgetMs,
      queryClass: queryClassOf(request.method, routeUrl),
      signal: controller.signal,
    };
    const refused =
      refusalNow && reach.needsDatabase(route) ? refusalNow(ctx.queryClass, ctx.deadline) : undefined;
    if (refused) return done(refused);
    // The response closing before it finished means the connection is gone: nobody is waiting for
    // the answer. (The request's own 'close' fires as soon as its body has been read.)
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
      else reach.record(route, ctx.reachedDatabase === true);
    });
    // Joins the scope the telemetry hook entered, when it did: one store per request, not two.
    joinRequestContext(ctx, done);
  });
}
