/**
 * Every alert the monitor can fire, and where its runbook is. The list is the monitor's own
 * (`ALERT_NAMES`), so an alert added there without a runbook fails test/integration/incident-runbooks.
 */
export const RUNBOOK_ALERTS = [
  'BulwarkAvailabilityBurnRatePage',
  'BulwarkAvailabilityBurnRateTicket',
  'BulwarkLatencyBurnRatePage',
  'BulwarkLatencyBurnRateTicket',
  'BulwarkDbPoolWaitHigh',
  'BulwarkAdmissionRejectionsHigh',
] as const;

/** The runbook of an alert (relative to the repository root); unknown alerts get the procedure. */
export function runbookFor(alertname: string): string {
  return /^[A-Za-z0-9_-]+$/.test(alertname) && (RUNBOOK_ALERTS as readonly string[]).includes(alertname)
    ? `docs/runbooks/${alertname}.md`
    : 'docs/incident-response.md';
}
