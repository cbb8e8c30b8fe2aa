/**
 * The monitor: SLOs with multi-window multi-burn-rate alerts, fast saturation alerts, alert
 * delivery, and the bottleneck diagnosis. Pure cores take the time and the readings from their
 * caller; the supervisor wires them to the workers and the database.
 */

export { alertEvents } from './alert-events.js';
export { type AlertNotifier, type AlertNotifierOptions, createAlertNotifier } from './alert-notifier.js';
export {
  ALERT_DEFS,
  ALERT_NAMES,
  type AlertDef,
  type AlertName,
  type BurnRateAlertDef,
  type BurnWindowPair,
  PAGE_WINDOWS,
  runbookUrl,
  type SaturationAlertDef,
  type Severity,
  SLO_NAMES,
  type SloName,
  TICKET_WINDOWS,
} from './alert-rules.js';
export {
  ALERT_STATES,
  type AlertCondition,
  type AlertInstance,
  type AlertState,
  AlertStateMachine,
  type AlertTransition,
  fingerprintOf,
} from './alert-state.js';
export { updateBaseline } from './baseline.js';
export { badRatio, burnRate, evaluateBurnRate, formatDuration, type SloObjectives } from './burn-rate.js';
export { CounterDeltas, CounterWindows, type SloCounts } from './counter-windows.js';
export { createDbProbe, type DbProbe } from './db-probe.js';
export { diagnose, healthyComponents, SUSPECT_THRESHOLD, verdictLine } from './diagnosis.js';
export {
  type DependencyWindow,
  type DiagnosisInput,
  type DiagnosisWindow,
  emptyWindow,
  type QueryWindow,
} from './diagnosis-input.js';
export { formatState } from './format-state.js';
export { filterColumns, suggestIndex } from './index-suggestion.js';
export { METRICS } from './metric-names.js';
export { MonitorLoop, type MonitorLoopOptions, type MonitorState } from './monitor-loop.js';
export { type MonitorRoutesOptions, monitorRoutes } from './ops-routes.js';
export { answerProbes, collectProbes } from './probe-ipc.js';
export {
  leOf,
  type PrometheusRuleDoc,
  type PrometheusRuleEntry,
  prometheusRule,
  prometheusRuleYaml,
} from './prometheus-rules.js';
export { type SaturationReading, SloEvaluator, type SloSettings } from './slo-evaluator.js';
export {
  type WebhookAlert,
  type WebhookPayload,
  webhookPayloads,
  ZERO_TIME,
} from './webhook-payload.js';
export {
  type AlertWebhookOptions,
  alertWebhookRoutes,
  type IncomingWebhook,
  WebhookPayloadSchema,
  webhookProblems,
} from './webhook-receiver.js';
export {
  createWebhookSender,
  type DeliveryOutcome,
  redactUrl,
  type WebhookSender,
  type WebhookSenderOptions,
} from './webhook-sender.js';
export { type DbReading, quantileFromBuckets, WindowBuilder } from './window-builder.js';
export {
  createWorkerProbe,
  type FinishedRequest,
  type ProbeDependency,
  type ProbeQuery,
  type WorkerProbe,
  type WorkerProbeHandle,
  type WorkerProbeSources,
} from './worker-probe.js';
