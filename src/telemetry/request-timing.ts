import { currentRequestScope, runInRequestScope } from './request-scope.js';
import type { RequestSpan } from './tracing.js';

/** Where one request's time went, accumulated while it runs (milliseconds). */
export interface RequestTiming {
  /** Waiting for a database connection (admission queue, pool, connect). */
  poolWaitMs: number;
  /** Statements executing on the server. */
  dbMs: number;
  /** Inside the cache itself (lookup, decode, store), its loaders excluded. */
  cacheMs: number;
  /** Outbound calls (the moderation service). */
  outboundMs: number;
  queries: number;
  /** The request's span, when tracing is on: the parent of the spans recorded inside it. */
  span?: RequestSpan | undefined;
}

/** A request's time split for its log line; `ownMs` is what is left: the worker's own CPU and waits. */
export interface RequestBreakdown {
  totalMs: number;
  poolWaitMs: number;
  dbMs: number;
  cacheMs: number;
  outboundMs: number;
  ownMs: number;
  queries: number;
}

export function newRequestTiming(): RequestTiming {
  // `span` present from the start, so every timing has one shape whether tracing is on or not.
  return { poolWaitMs: 0, dbMs: 0, cacheMs: 0, outboundMs: 0, queries: 0, span: undefined };
}

/** Runs `fn` with `timing` as the request whose time every statement, cache read and call adds to. */
export function runWithRequestTiming<T>(timing: RequestTiming, fn: () => T): T {
  return runInRequestScope({ timing, guard: currentRequestScope()?.guard }, fn);
}

/** The timing of the request being served, or undefined outside any request. */
export function currentRequestTiming(): RequestTiming | undefined {
  return currentRequestScope()?.timing;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** The request's log line: who, what, and the breakdown of its time. */
export interface RequestLogFields extends RequestBreakdown {
  route: string;
  method: string;
  status: number;
  /** Undefined fields are left out of the line (pino skips them). */
  userId: string | undefined;
  traceId: string | undefined;
}

/**
 * The log line of a finished request, built as one object literal of one shape (pino serialises it
 * key by key; conditional spreads would give it a new shape per combination). Parts can overlap
 * (statements run in parallel with `Promise.all`), so "own" is floored at zero.
 */
export function requestLogFields(
  timing: RequestTiming,
  route: string,
  method: string,
  status: number,
  userId: string | undefined,
  totalMs: number,
): RequestLogFields {
  const spent = timing.poolWaitMs + timing.dbMs + timing.cacheMs + timing.outboundMs;
  return {
    route,
    method,
    status,
    userId,
    totalMs: round(totalMs),
    poolWaitMs: round(timing.poolWaitMs),
    dbMs: round(timing.dbMs),
    cacheMs: round(timing.cacheMs),
    outboundMs: round(timing.outboundMs),
    ownMs: round(Math.max(0, totalMs - spent)),
    queries: timing.queries,
    traceId: timing.span?.traceId,
  };
}

/** The breakdown of a finished request: the time fields of its log line. */
export function breakdownOf(timing: RequestTiming, totalMs: number): RequestBreakdown {
  const {
    totalMs: total,
    poolWaitMs,
    dbMs,
    cacheMs,
    outboundMs,
    ownMs,
    queries,
  } = requestLogFields(timing, '', '', 0, undefined, totalMs);
  return { totalMs: total, poolWaitMs, dbMs, cacheMs, outboundMs, ownMs, queries };
}
