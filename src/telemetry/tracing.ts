/** Span attribute values, as OpenTelemetry takes them. */
export type SpanAttributes = Record<string, string | number | boolean>;

/** A request's span, opaque outside the tracing module. */
export interface RequestSpan {
  readonly traceId: string;
}

/**
 * Spans for requests and what they wait on. Times are `performance.now()` milliseconds, so the data
 * layer reports a query after it finished (acquire and execution as two spans) with the numbers it
 * measured anyway, and carries no tracing code of its own.
 */
export interface Tracing {
  startRequest(method: string, path: string): RequestSpan;
  /** Runs `fn` with the request's span as the parent of every span recorded inside it. */
  runInRequest<T>(span: RequestSpan, fn: () => T): T;
  endRequest(span: RequestSpan, route: string, status: number): void;
  /** True when the current request's span is sampled: only then are child spans worth building. */
  recording(): boolean;
  /** A finished span, child of the current request's span; nothing outside a sampled request. */
  recordSpan(
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
