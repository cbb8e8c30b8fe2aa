import type { Incident } from './types.js';

/**
 * The incident's clock, per incident (the "mean" of MTTx is taken over incidents by `meanTimings`):
 * - time to detect (MTTD): onset → the incident opened;
 * - time to acknowledge (MTTA): opened → someone acknowledged or took command;
 * - time to recover (MTTR): onset → users stopped being hurt (the measured impact's end, else
 *   mitigated, else resolved);
 * - time to resolve: opened → resolved.
 */
export interface Timings {
  timeToDetectMs: number | null;
  timeToAcknowledgeMs: number | null;
  timeToRecoverMs: number | null;
  timeToResolveMs: number | null;
}

const between = (from: string | null, to: string | null): number | null =>
  from && to ? Math.max(0, Date.parse(to) - Date.parse(from)) : null;

export function timingsOf(i: Incident): Timings {
  return {
    timeToDetectMs: between(i.startedAt, i.detectedAt),
    timeToAcknowledgeMs: between(i.detectedAt, i.acknowledgedAt),
    timeToRecoverMs: between(i.startedAt, i.impact?.to ?? i.mitigatedAt ?? i.resolvedAt),
    timeToResolveMs: between(i.detectedAt, i.resolvedAt),
  };
}

/** MTTD, MTTA, MTTR and mean time to resolve over incidents (each mean over those that have it). */
export function meanTimings(incidents: readonly Incident[]): Timings & { incidents: number } {
  const mean = (key: keyof Timings): number | null => {
    const values = incidents.map((i) => timingsOf(i)[key]).filter((v): v is number => v !== null);
    return values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length) : null;
  };
  return {
    incidents: incidents.length,
    timeToDetectMs: mean('timeToDetectMs'),
    timeToAcknowledgeMs: mean('timeToAcknowledgeMs'),
    timeToRecoverMs: mean('timeToRecoverMs'),
    timeToResolveMs: mean('timeToResolveMs'),
  };
}

/** `1 h 05 min`, `4 min 12 s`, `850 ms`: durations as a postmortem reads them. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'unknown';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
