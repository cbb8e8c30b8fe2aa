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
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  RandomIdGenerator,
  SamplingDecision,
} from '@opentelemetry/sdk-trace-base';
import { samplerFromEnv } from './trace-sampler.js';
import type { RequestSpan, SpanAttributes, Tracing } from './tracing.js';

interface OtelRequestSpan extends RequestSpan {
  /** Undefined for a request that is not sampled and has no caller: it never reached the SDK. */
  span: Span | undefined;
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
 *
 * A request without a caller's `traceparent` asks the sampler before the SDK: with one request in
 * ten traced, the SDK's span for the other nine (its ids, its sampler call, a non-recording span
 * and the SDK's own span counting) was the largest part of tracing's cost per request. The trace id
 * drawn for that question goes into the log line, and into the SDK when the answer is yes: the
 * tracer's id generator hands it over, so the SDK's own sampling of the same id (by the same
 * sampler) agrees, and the exported trace is the one the log line names.
 */
export function createOtelTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  const sampler = samplerFromEnv(env);
  const ids = new RandomIdGenerator();
  let decidedTraceId: string | undefined;
  const idGenerator: IdGenerator = {
    generateTraceId: () => decidedTraceId ?? ids.generateTraceId(),
    generateSpanId: () => ids.generateSpanId(),
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    sampler,
    idGenerator,
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
      let parent = ROOT_CONTEXT;
      if (headers?.traceparent !== undefined) {
        parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      } else {
        const traceId = ids.generateTraceId();
        const { decision } = sampler.shouldSample(parent, traceId, method, SpanKind.SERVER, {}, []);
        if (decision === SamplingDecision.NOT_RECORD)
          return {
            span: undefined,
            recording: false,
            ctx: undefined,
            method,
            traceId,
          } satisfies OtelRequestSpan;
        decidedTraceId = traceId;
      }
      const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
      decidedTraceId = undefined; // taken by the SDK already; never handed to a later span
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
      if (h.recording && h.span) {
        // Named by the route template once it is known, as the HTTP semantic conventions ask.
        h.span.updateName(`${h.method} ${route}`);
        h.span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
        if (status >= 500) h.span.setStatus({ code: SpanStatusCode.ERROR });
      }
      h.span?.end();
    },
    recording: (parent) => (parent as OtelRequestSpan | undefined)?.recording ?? false,
    recordSpan(parent, name, startMs, endMs, attributes: SpanAttributes, failed) {
      // Children only under a sampled request: an unsampled one costs one check, not a span.
      const p = parent as OtelRequestSpan | undefined;
      if (!p?.recording || !p.span) return;
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
