/** Span attribute values, as OpenTelemetry takes them. */
export type SpanAttributes = Record<string, string | number | boolean>;

/** A request's span, opaque outside the tracing module. */
export interface RequestSpan {
  readonly traceId: string;
}

/**
 * Spans for requests and what they wait on. Times are `performance.now()` milliseconds, so the data
 * layer reports a query after it finished (acquire and execution as two spans) with the numbers it
 * measured anyway, and carries no tracing code of its own. The request's span travels in the
 * request's timing (one AsyncLocalStorage the worker has anyway), not in an OpenTelemetry context
 * manager: a second store per request measurably slowed every request, sampled or not.
 */
/** Request headers as Node gives them (lower-case names); only `traceparent`/`tracestate` are read. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

export interface Tracing {
  /**
   * The request's server span: a child of the caller's span when `headers` carry a valid W3C
   * `traceparent` (so parent-based samplers follow the caller's decision), else a new root.
   */
  startRequest(method: string, path: string, headers?: IncomingHeaders): RequestSpan;
  endRequest(span: RequestSpan, route: string, status: number): void;
  /** True when `parent` is sampled: only then are child spans worth building. */
  recording(parent: RequestSpan | undefined): boolean;
  /** A finished child span of `parent`; nothing when the parent is absent or not sampled. */
  recordSpan(
    parent: RequestSpan | undefined,
    name: string,
    startMs: number,
    endMs: number,
    attributes: SpanAttributes,
    failed?: boolean,
  ): void;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

/** True when the environment names an OTLP endpoint (the OpenTelemetry SDK's own variables). */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * The OTLP/HTTP tracer when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) is set, else
 * undefined. The SDK is imported only then: with tracing off no OpenTelemetry module is loaded and
 * every call site is one `undefined` check.
 */
export async function loadTracing(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tracing | undefined> {
  if (!tracingConfigured(env)) return undefined;
  const { createOtelTracing } = await import('./otel-tracing.js');
  return createOtelTracing(serviceName);
}
