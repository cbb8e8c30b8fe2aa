import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RequestSpan, SpanAttributes, Tracing } from './tracing.js';

interface OtelRequestSpan extends RequestSpan {
  span: Span;
  ctx: Context;
  method: string;
}

/**
 * OpenTelemetry over OTLP/HTTP (JSON over HTTP, protobuf-free): the exporter reads the standard
 * `OTEL_EXPORTER_OTLP_*` variables itself. Loaded only through `loadTracing`.
 */
export function createOtelTracing(serviceName: string): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 500 })],
  });
  const tracer = provider.getTracer('bulwark');

  return {
    startRequest(method, path) {
      const span = tracer.startSpan(method, {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'url.path': path },
      });
      const ctx = trace.setSpan(ROOT_CONTEXT, span);
      return { span, ctx, method, traceId: span.spanContext().traceId } satisfies OtelRequestSpan;
    },
    endRequest(handle, route, status) {
      const { span, method } = handle as OtelRequestSpan;
      // Named by the route template once it is known, as the HTTP semantic conventions ask.
      span.updateName(`${method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
    recording: (parent) => (parent as OtelRequestSpan | undefined)?.span.isRecording() ?? false,
    recordSpan(parent, name, startMs, endMs, attributes: SpanAttributes, failed) {
      // Children only under a sampled request: an unsampled one costs one check, not a span.
      const p = parent as OtelRequestSpan | undefined;
      if (!p?.span.isRecording()) return;
      const span = tracer.startSpan(name, { startTime: startMs, attributes }, p.ctx);
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(endMs);
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
