import {
  type Context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RequestSpan, SpanAttributes, Tracing } from './tracing.js';

interface OtelRequestSpan extends RequestSpan {
  span: Span;
  /** Sampled: asked once at the start (it cannot change before the end). */
  recording: boolean;
  /** The parent context of its children; made on the first child, so only for sampled requests. */
  ctx: Context | undefined;
  method: string;
}

/**
 * OpenTelemetry over OTLP/HTTP (JSON over HTTP, protobuf-free): the exporter reads the standard
 * `OTEL_EXPORTER_OTLP_*` variables itself. Loaded only through `loadTracing`.
 *
 * Most requests are not sampled (one in ten with the usual ratio), so everything past the SDK's
 * sampling decision is done for recorded spans only: attributes, the children's parent context.
 * The SDK's samplers (`OTEL_TRACES_SAMPLER`) decide on the trace id and the parent alone, so the
 * attributes need not be there at the start.
 */
export function createOtelTracing(serviceName: string): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter(),
        // Unless OTEL_BSP_SCHEDULE_DELAY says otherwise: a batch every 100 ms. Spans held longer
        // outlive the young generation and feed old-generation collections: with one request in
        // ten traced, a cached request cost about 23 µs more worker CPU at 2 s than at 100 ms, and
        // about 7 µs more at 500 ms (bench/telemetry-cpu.ts, medians of three). Ten small exports
        // a second per worker are nothing for a collector.
        process.env.OTEL_BSP_SCHEDULE_DELAY ? {} : { scheduledDelayMillis: 100 },
      ),
    ],
  });
  const tracer = provider.getTracer('bulwark');
  // The W3C Trace Context propagator, used directly rather than through the global `propagation`
  // API: nothing else in the process should depend on (or be able to replace) this tracer's wiring.
  const propagator = new W3CTraceContextPropagator();

  return {
    startRequest(method, path, headers) {
      const parent =
        headers?.traceparent === undefined
          ? ROOT_CONTEXT
          : propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
      const recording = span.isRecording();
      if (recording) span.setAttributes({ 'http.request.method': method, 'url.path': path });
      return {
        span,
        recording,
        ctx: undefined,
        method,
        traceId: span.spanContext().traceId,
      } satisfies OtelRequestSpan;
    },
    endRequest(handle, route, status) {
      const h = handle as OtelRequestSpan;
      if (h.recording) {
        // Named by the route template once it is known, as the HTTP semantic conventions ask.
        h.span.updateName(`${h.method} ${route}`);
        h.span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
        if (status >= 500) h.span.setStatus({ code: SpanStatusCode.ERROR });
      }
      h.span.end();
    },
    recording: (parent) => (parent as OtelRequestSpan | undefined)?.recording ?? false,
    recordSpan(parent, name, startMs, endMs, attributes: SpanAttributes, failed) {
      // Children only under a sampled request: an unsampled one costs one check, not a span.
      const p = parent as OtelRequestSpan | undefined;
      if (!p?.recording) return;
      p.ctx ??= trace.setSpan(ROOT_CONTEXT, p.span);
      const span = tracer.startSpan(name, { startTime: startMs, attributes }, p.ctx);
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(endMs);
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
