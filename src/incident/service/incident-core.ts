import { BulwarkError } from '../../errors/index.js';
import type { DiagnosisVerdict, OpsEvent } from '../../telemetry/index.js';
import { dueLevels, ownerOf, targetsOf } from '../model/escalation.js';
import { impactOver } from '../model/impact.js';
import { type Timings, timingsOf } from '../model/timings.js';
import type {
  ActionItem,
  Impact,
  Incident,
  IncidentStatus,
  Severity,
  StoredAlert,
  TimelineEvent,
} from '../model/types.js';
import { runbookFor } from '../runbooks.js';
import type { NewIncident } from '../store/incident-rows.js';
import { type IncidentDeps, iso } from './context.js';
import type { IncidentNotice } from './notifier.js';

/** A diagnosis at least this confident pages its owning team at once. */
export const PAGE_CONFIDENCE = 0.5;

/** Sources whose events mark a likely trigger: the onset of an incident opened just after them. */
const TRIGGER_SOURCES = new Set(['chaos', 'deploy', 'config']);

export interface IncidentDetail {
  incident: Incident;
  alerts: StoredAlert[];
  timeline: TimelineEvent[];
  actions: ActionItem[];
  /** Measured over the incident window; live (to now) while the incident is open. */
  impact: Impact | null;
  timings: Timings;
  runbooks: { alert: string; path: string }[];
  postmortem: boolean;
}

export interface OpenInput {
  title: string;
  severity: Severity;
  summary?: string;
  commander?: string;
  /** When users started to be hurt, if known earlier than now. */
  startedAt?: string;
}

/**
 * The incident service's core: reading, the timeline, opening and escalation. `IncidentService`
 * adds the changes operators make, resolution with its postmortem, and the ops-event intake.
 * Incidents: opened by alerts (deduplicated) or by hand, moved through their statuses, escalated
 * by policy, given a timeline from every ops event, and closed with a postmortem draft. All state
 * is in the ops store; the clock is injected.
 */
export class IncidentCore {
  readonly deps: IncidentDeps;
  readonly now: () => number;
  /** The latest diagnosis seen on the bus, so an incident opened later starts with it. */
  protected lastVerdict: { verdict: DiagnosisVerdict; atMs: number } | undefined;
  /** The top suspect last written to the timeline with no incident open (avoids one row per tick). */
  protected lastUnattachedTop = '';

  constructor(deps: IncidentDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
  }

  get store() {
    return this.deps.store;
  }

  // ---- reading ----

  get(id: number): Incident {
    const incident = this.store.incidents.get(id);
    if (!incident) throw new BulwarkError('INCIDENT_ERR_NOT_FOUND', { id: [`no incident ${id}`] });
    return incident;
  }

  list(filter: { status?: IncidentStatus | 'open'; limit?: number } = {}): Incident[] {
    return this.store.incidents.list(filter);
  }

  openIncidents(): Incident[] {
    return this.store.incidents.list({ status: 'open', limit: 1000 });
  }

  detail(id: number): IncidentDetail {
    const incident = this.get(id);
    const alerts = this.store.alerts.forIncident(id);
    const names = [...new Set(alerts.map((a) => a.alertname))];
    return {
      incident,
      alerts,
      timeline: this.store.timeline.forIncident(id),
      actions: this.store.actions.list({ incidentId: id }),
      impact: incident.impact ?? this.measureImpact(incident),
      timings: timingsOf(incident),
      runbooks: names.map((alert) => ({ alert, path: runbookFor(alert) })),
      postmortem: this.store.postmortems.get(id) !== undefined,
    };
  }

  /**
   * The impact from onset to recovery, when a telemetry source is wired. Recovery is the end of the
   * last second, before mitigation was declared (or now), in which at least `impairedShare` of the
   * requests failed or were slow: alerts resolve on windows and lag the users' recovery, the
   * requests themselves do not.
   */
  measureImpact(incident: Incident): Impact | null {
    if (!this.deps.impact) return null;
    const from = Date.parse(incident.startedAt);
    const until = Math.max(from, Date.parse(incident.mitigatedAt ?? incident.resolvedAt ?? iso(this.now())));
    const span = this.deps.impact.impairedBetween(from, until, this.deps.impairedShare ?? 0.2);
    return impactOver(this.deps.impact, from, span ? Math.min(until, span.endMs) : until);
  }

  // ---- timeline ----

  /** Appends an event to an incident's timeline (or to the unattached log with null). */
  record(incidentId: number | null, event: OpsEvent): number {
    const id = this.store.timeline.append(incidentId, event, iso(this.now()));
    if (event.source === 'incident') this.deps.emit?.({ ...event, data: { ...event.data, incidentId } });
    return id;
  }

  protected event(kind: string, summary: string, data?: Record<string, unknown>): OpsEvent {
    return { at: iso(this.now()), source: 'incident', kind, summary, ...(data ? { data } : {}) };
  }

  protected notice(incident: Incident, event: IncidentNotice['event'], summary: string, team?: string): void {
    this.deps.notify({
      event,
      incident: {
        id: incident.id,
        title: incident.title,
        severity: incident.severity,
        status: incident.status,
        ownerTeam: incident.ownerTeam,
      },
      ...(team ? { team } : {}),
      summary,
      at: iso(this.now()),
    });
  }

  // ---- opening ----

  /**
   * Creates the row, adopts the events of the lookback window (the fault injected, the deploy)
   * and takes its onset from the earliest trigger among them, and the current diagnosis.
   */
  createFromAlert(fields: {
    title: string;
    severity: Severity;
    dedupKey: string;
    summary: string;
    startedAt: string;
  }): Incident {
    return this.create({ ...fields, openedBy: 'alert' });
  }

  protected create(fields: {
    title: string;
    severity: Severity;
    openedBy: 'alert' | 'operator';
    dedupKey: string | null;
    summary: string;
    startedAt?: string | undefined;
  }): Incident {
    const nowMs = this.now();
    const now = iso(nowMs);
    const lookbackMs = (this.deps.lookbackMinutes ?? 15) * 60_000;
    const verdict =
      this.lastVerdict && nowMs - this.lastVerdict.atMs <= lookbackMs ? this.lastVerdict.verdict : null;
    const row: NewIncident = {
      title: fields.title,
      severity: fields.severity,
      status: 'investigating',
      openedBy: fields.openedBy,
      dedupKey: fields.dedupKey,
      summary: fields.summary,
      commander: null,
      communications: null,
      operations: null,
      ownerTeam: ownerOf(this.deps.policy, verdict?.suspects[0]?.component),
      escalationLevel: 0,
      escalatedAt: null,
      startedAt: fields.startedAt && fields.startedAt < now ? fields.startedAt : now,
      detectedAt: now,
      acknowledgedAt: null,
      identifiedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      diagnosis: verdict,
      impact: null,
      createdAt: now,
      updatedAt: now,
    };
    const incident = this.store.incidents.insert(row);
    this.store.timeline.adoptUnattached(incident.id, iso(nowMs - lookbackMs));
    const trigger = this.store.timeline
      .forIncident(incident.id)
      .find((e) => TRIGGER_SOURCES.has(e.source) && e.at < incident.startedAt);
    return trigger
      ? (this.store.incidents.update(incident.id, { startedAt: trigger.at }) as Incident)
      : incident;
  }

  // ---- escalation ----

  /** Pages the levels now due for an unacknowledged incident. */
  protected escalate(incident: Incident): void {
    if (incident.acknowledgedAt || incident.status === 'resolved') return;
    const due = dueLevels(
      this.deps.policy,
      Date.parse(incident.detectedAt),
      this.now(),
      incident.escalationLevel,
    );
    if (due.length === 0) return;
    const owner = incident.ownerTeam ?? this.deps.policy.defaultTeam;
    const last = due[due.length - 1] as (typeof due)[number];
    const teams = [...new Set(due.flatMap((d) => targetsOf(d.level, owner)))];
    const updated = this.store.transaction(() => {
      const next = this.store.incidents.update(incident.id, {
        escalationLevel: last.index + 1,
        escalatedAt: iso(this.now()),
        updatedAt: iso(this.now()),
      }) as Incident;
      this.record(
        incident.id,
        this.event(
          'incident.escalated',
          `escalation level ${last.index + 1}: paged ${teams.join(', ')}${last.index === 0 ? '' : ' (not acknowledged in time)'}`,
          { level: last.index + 1, teams },
        ),
      );
      return next;
    });
    for (const team of teams) {
      this.notice(updated, last.index === 0 ? 'incident.paged' : 'incident.escalated', updated.title, team);
    }
  }

  /** Pages the owning team of a new top suspect at once, whatever the escalation level. */
  /** Teams already paged for an incident, by level or by the diagnosis. */
  protected pagedTeams(incidentId: number): Set<string> {
    const teams = new Set<string>();
    for (const e of this.store.timeline.forIncident(incidentId)) {
      const data = e.data as { team?: unknown; teams?: unknown } | null;
      if (typeof data?.team === 'string') teams.add(data.team);
      if (Array.isArray(data?.teams)) for (const t of data.teams) if (typeof t === 'string') teams.add(t);
    }
    return teams;
  }

  protected pageOwner(incident: Incident, team: string, reason: string): void {
    const updated = this.store.transaction(() => {
      const next = this.store.incidents.update(incident.id, { ownerTeam: team, updatedAt: iso(this.now()) });
      this.record(incident.id, this.event('incident.paged', `paged ${team}: ${reason}`, { team }));
      return next as Incident;
    });
    this.notice(updated, 'incident.paged', reason, team);
  }
}
