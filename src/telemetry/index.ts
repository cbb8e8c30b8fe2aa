export {
  type ClusterMetrics,
  type ClusterMetricsOptions,
  createClusterMetrics,
  type MetricsJson,
  serveWorkerMetrics,
} from './cluster-metrics.js';
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
export {
  createSupervisorMetrics,
  SUPERVISOR_PREFIX,
  type SupervisorMetricSources,
} from './supervisor-metrics.js';
