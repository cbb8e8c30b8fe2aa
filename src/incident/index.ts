/**
 * Incidents: the ops store, the incident service (alerts in, timeline, escalation, notifications),
 * postmortems and action items, and their ops API. Nothing here touches the application database.
 */

export {
  type ActionInput,
  type ActionPatch,
  ActionService,
  type ListedAction,
  seedTasks,
} from './actions/action-service.js';
export { actionTable, incidentTable, incidentText } from './cli-format.js';
export {
  type AlertmanagerPayload,
  AlertmanagerPayloadSchema,
  checkAlertmanagerPayload,
} from './model/alertmanager.js';
export { type EscalationLevel, type EscalationPolicy, ownerOf } from './model/escalation.js';
export { type ImpactCounts, type ImpactSource, impactOver } from './model/impact.js';
export {
  isFailure,
  RequestLedger,
  type RequestLedgerOptions,
  type RequestOutcome,
} from './model/request-ledger.js';
export { SEVERITY_CRITERIA, severityFromLabels } from './model/severity.js';
export { formatDuration, meanTimings, type Timings, timingsOf } from './model/timings.js';
export * from './model/types.js';
export { userKeyOf } from './model/user-key.js';
export {
  errorMessage,
  OpsClient,
  type OpsClientOptions,
  type OpsReply,
  opsClientOptions,
} from './ops-client.js';
export { type IncidentRoutesOptions, incidentRoutes } from './ops-routes.js';
export { type OutcomeReporter, receiveOutcomes, reportOutcomes } from './outcome-ipc.js';
export { draftPostmortem, explainingVerdict } from './postmortem/draft.js';
export { renderPostmortemHtml } from './postmortem/render-html.js';
export { RUNBOOK_ALERTS, runbookFor } from './runbooks.js';
export type { AlertIntakeResult } from './service/alert-intake.js';
export { createIncidentService, type IncidentRuntime, policyFromConfig } from './service/create.js';
export { type IncidentDetail, IncidentService, type OpenInput } from './service/incident-service.js';
export { type IncidentNotice, WebhookNotifier } from './service/notifier.js';
export { OPS_STORE_FILE, OpsStore, openOpsStore } from './store/ops-store.js';
