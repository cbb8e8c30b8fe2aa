export { BoundedLabels, OTHER_LABEL } from './bounded-labels.js';
export {
  type ClusterMetrics,
  type ClusterMetricsOptions,
  createClusterMetrics,
  type MetricsJson,
  serveWorkerMetrics,
} from './cluster-metrics.js';
export { LOG_BATCH_CHARS, LOG_LINGER_MS, workerLogDestination } from './log-destination.js';
export {
  type DiagnosisVerdict,
  OPS_EVENT_SOURCES,
  type OpsEvent,
  OpsEventBus,
  type OpsEventSource,
  SUSPECT_COMPONENTS,
  type Suspect,
  type SuspectComponent,
} from './ops-events.js';
export { currentRequestScope, type RequestScope, runInRequestScope } from './request-scope.js';
export {
  breakdownOf,
  currentRequestTiming,
  newRequestTiming,
  type RequestBreakdown,
  type RequestLogFields,
  type RequestTiming,
  requestLogFields,
  runWithRequestTiming,
} from './request-timing.js';
export {
  createSupervisorMetrics,
  SUPERVISOR_PREFIX,
  type SupervisorMetricSources,
} from './supervisor-metrics.js';
export {
  loadTracing,
  type RequestSpan,
  type SpanAttributes,
  type Tracing,
  tracingConfigured,
} from './tracing.js';
export {
  createWorkerMetrics,
  DB_BUCKETS,
  HTTP_BUCKETS,
  type OutboundOutcome,
  type StatementSample,
  type WorkerMetricSources,
  type WorkerMetrics,
  type WorkerMetricsOptions,
} from './worker-metrics.js';
