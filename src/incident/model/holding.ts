import { moreSevere, severityFromLabels } from './severity.js';
import type { Severity, StoredAlert } from './types.js';

/**
 * The alerts that keep an incident open: those of its most severe kind. A page-speed burn alert
 * resolves seconds after recovery; a ticket-speed one reads days (hours in a drill) and stays
 * firing long after users are fine, so it must not hold a paged incident in investigating.
 */
export function holdingAlerts(alerts: readonly StoredAlert[]): StoredAlert[] {
  const worst = alerts.map((a) => severityFromLabels(a.labels)).reduce<Severity>(moreSevere, 'SEV4');
  return alerts.filter((a) => severityFromLabels(a.labels) === worst);
}
