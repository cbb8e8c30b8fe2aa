import type { IncidentStatus } from './types.js';

/**
 * Which status changes are allowed. Forward moves may skip a step (a fix found and shipped at once
 * goes from investigating to monitoring); a fix that did not hold goes back to investigating. A
 * resolved incident is closed: a new problem opens a new incident.
 */
const ALLOWED: Record<IncidentStatus, readonly IncidentStatus[]> = {
  investigating: ['identified', 'monitoring', 'resolved'],
  identified: ['investigating', 'monitoring', 'resolved'],
  monitoring: ['investigating', 'identified', 'resolved'],
  resolved: [],
};

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

export function checkTransition(from: IncidentStatus, to: IncidentStatus): TransitionCheck {
  if (from === to) return { ok: false, reason: `the incident is already ${from}` };
  if (ALLOWED[from].includes(to)) return { ok: true };
  if (from === 'resolved') {
    return { ok: false, reason: 'the incident is resolved; a new problem opens a new incident' };
  }
  return { ok: false, reason: `an incident cannot go from ${from} to ${to}` };
}
