import { currentRequestScope, runInRequestScope } from '../../telemetry/index.js';

/**
 * Query classes, most important first. A route declares one; the bulkheads give each a share of the
 * connections so that a slow feature (heavy) or a batch job (background) cannot starve logins and writes.
 */
export const QUERY_CLASSES = ['critical', 'heavy', 'background'] as const;
export type QueryClass = (typeof QUERY_CLASSES)[number];

/** What the guard needs to know about the request a query serves. */
export interface RequestContext {
  /** Epoch milliseconds after which nobody is waiting for the answer any more. */
  readonly deadline: number;
  readonly queryClass: QueryClass;
  /** Fires when the client goes away; a queued query is dropped and a running one cancelled. */
  readonly signal?: AbortSignal;
  /**
   * Set by the guard when a query of this request asks for a connection, so the HTTP layer learns
   * which routes need the database (and which the cache answers) without asking each handler.
   */
  reachedDatabase?: boolean;
  /**
   * Set by the guard once a query of this request has been admitted: its later queries go ahead of
   * newcomers and are not refused for load, since a 503 then would waste the work already done.
   */
  admitted?: boolean;
}

// The context rides in the request's scope (telemetry's one store per request): the HTTP layer sets
// it once per request and every query the service issues inside that request finds it, so service
// code passes nothing down.

/**
 * Runs `fn` with `ctx` as the context of every query it issues, however deep.
 * @example runWithRequestContext({ deadline: Date.now() + 2000, queryClass: 'heavy' }, () => handler(req))
 */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return runInRequestScope({ timing: currentRequestScope()?.timing, guard: ctx }, fn);
}

/**
 * Sets `ctx` as the context of the request scope being served when that scope has none yet (the
 * HTTP layer's telemetry hook entered it), so the request keeps one store; else enters a scope of
 * its own as `runWithRequestContext` does.
 */
export function joinRequestContext(ctx: RequestContext, fn: () => void): void {
  const scope = currentRequestScope();
  if (scope !== undefined && scope.guard === undefined) {
    scope.guard = ctx;
    fn();
  } else runWithRequestContext(ctx, fn);
}

/** The context of the request being served, or undefined outside any request (start-up, scripts). */
export function currentRequestContext(): RequestContext | undefined {
  // Only this module writes the field, always with a RequestContext.
  return currentRequestScope()?.guard as RequestContext | undefined;
}
