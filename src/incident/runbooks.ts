import { ALERT_NAMES } from '../monitor/index.js';

/**
 * Every alert the monitor can fire: the monitor's own list, so an alert added there without a
 * runbook in docs/runbooks/ fails test/integration/incident-runbooks.test.ts.
 */
export const RUNBOOK_ALERTS: readonly string[] = ALERT_NAMES;

/** The runbook of an alert (relative to the repository root); unknown alerts get the procedure. */
export function runbookFor(alertname: string): string {
  return RUNBOOK_ALERTS.includes(alertname) ? `docs/runbooks/${alertname}.md` : 'docs/incident-response.md';
}
