import { moreSevere, severityFromLabels } from './severity.js';
import type { Severity, StoredAlert } from './types.js';

/**
 * The alerts that keep an incident open: those of its most severe kind, ticket-speed burn alerts
 * aside. A page-speed burn alert resolves seconds after recovery; a ticket-speed one reads days
 * (minutes in a drill) and stays firing long after users are fine, so it must not hold an incident
 * in investigating, whatever else fired beside it. It holds one only when nothing faster is attached
 * (an incident a slow burn opened by itself).
 */
export function holdingAlerts(alerts: readonly StoredAlert[]): StoredAlert[] {
  const fast = alerts.filter((a) => a.labels.severity?.toLowerCase() !== 'ticket');
  const candidates = fast.length > 0 ? fast : alerts;
  const worst = candidates.map((a) => severityFromLabels(a.labels)).reduce<Severity>(moreSevere, 'SEV4');
  return candidates.filter((a) => severityFromLabels(a.labels) === worst);
}
