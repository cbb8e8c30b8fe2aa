import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestTiming } from './request-timing.js';

/**
 * What one request carries through its asynchronous calls: one field per concern, in one store.
 * On Node 20 every AsyncLocalStorage in use copies its value onto every promise and callback the
 * request creates, so a store per concern (the time breakdown, the guard's deadline) made each
 * request pay for two; the HTTP layer's first hook enters the scope and the later ones fill their
 * field in it.
 */
export interface RequestScope {
  /** The request's time breakdown, when telemetry is on. */
  timing: RequestTiming | undefined;
  /** The data layer's request context (deadline, query class, abort signal), typed by its owner. */
  guard: object | undefined;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn`, and everything it starts, inside `scope`. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the request being served, or undefined outside any request. */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}
