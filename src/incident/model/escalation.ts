import type { SuspectComponent } from '../../telemetry/index.js';

/** One step of an escalation policy: who is paged once the incident is unacknowledged this long. */
export interface EscalationLevel {
  afterMinutes: number;
  /** Team names, or `owner`: the team owning the diagnosis' top suspect. */
  targets: string[];
}

export interface EscalationPolicy {
  levels: EscalationLevel[];
  /** Component pattern (`db.*`, `dependency`, `*`) → owning team. The first match wins. */
  owners: Record<string, string>;
  /** The team paged when nothing is known about the cause yet. */
  defaultTeam: string;
}

function matches(pattern: string, component: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return component.startsWith(pattern.slice(0, -1));
  return pattern === component;
}

/** The team that owns a component; `db.*` → the database team in the default policy. */
export function ownerOf(policy: EscalationPolicy, component: SuspectComponent | undefined): string {
  if (!component) return policy.defaultTeam;
  // Exact names before wildcards, so `db.pool` may be given to a different team than `db.*`.
  const entries = Object.entries(policy.owners).sort(
    ([a], [b]) => Number(a.includes('*')) - Number(b.includes('*')) || b.length - a.length,
  );
  return entries.find(([pattern]) => matches(pattern, component))?.[1] ?? policy.defaultTeam;
}

/** Resolves a level's targets: `owner` becomes the owning team; duplicates go. */
export function targetsOf(level: EscalationLevel, owner: string): string[] {
  return [...new Set(level.targets.map((t) => (t === 'owner' ? owner : t)))];
}

/**
 * The escalation levels due for an unacknowledged incident: every level whose time has come and
 * that was not paged yet (`paged` is the number of levels already paged). Pure: the caller pages
 * and stores the new level.
 */
export function dueLevels(
  policy: EscalationPolicy,
  openedAtMs: number,
  nowMs: number,
  paged: number,
): { index: number; level: EscalationLevel }[] {
  const elapsedMinutes = (nowMs - openedAtMs) / 60_000;
  return policy.levels
    .map((level, index) => ({ index, level }))
    .filter(({ index, level }) => index >= paged && elapsedMinutes >= level.afterMinutes);
}
