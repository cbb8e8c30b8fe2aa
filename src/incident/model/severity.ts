import type { Severity } from './types.js';

/**
 * The severity criteria, one line each; docs/incident-response.md repeats them with examples. Judged
 * by the users' experience, not by which component is broken.
 */
export const SEVERITY_CRITERIA: Record<Severity, string> = {
  SEV1: 'The service is down or unusable for most users (half or more of active users affected), or data is at risk.',
  SEV2: 'A large share of users are hurt now: an SLO burns at page speed (14.4× over 1 h or 6× over 6 h), or 10% or more of active users affected.',
  SEV3: 'A slow burn or a saturation warning: an SLO burns at ticket speed, or a resource nears its limit, with little user impact yet.',
  SEV4: 'No user impact: a near miss, a drill, or a follow-up worth recording.',
};

/**
 * The severity an alert opens its incident with, from its labels: an explicit `incident_severity`
 * (SEV1..SEV4) wins; otherwise Alertmanager's customary `severity` label (critical, page, ticket,
 * warning, info).
 */
export function severityFromLabels(labels: Record<string, string>): Severity {
  const explicit = labels.incident_severity?.toUpperCase();
  if (explicit === 'SEV1' || explicit === 'SEV2' || explicit === 'SEV3' || explicit === 'SEV4')
    return explicit;
  switch (labels.severity?.toLowerCase()) {
    case 'critical':
      return 'SEV1';
    case 'page':
    case 'error':
      return 'SEV2';
    case 'ticket':
    case 'warning':
      return 'SEV3';
    default:
      return 'SEV4';
  }
}

/** The severity that a measured impact alone justifies (it may raise an incident's, never lower it). */
export function severityFromImpact(affectedShare: number): Severity {
  if (affectedShare >= 0.5) return 'SEV1';
  if (affectedShare >= 0.1) return 'SEV2';
  if (affectedShare > 0) return 'SEV3';
  return 'SEV4';
}

/** The more severe of two (SEV1 is the most severe). */
export function moreSevere(a: Severity, b: Severity): Severity {
  return a < b ? a : b;
}
