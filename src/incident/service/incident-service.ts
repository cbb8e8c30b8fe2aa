import { BulwarkError } from '../../errors/index.js';
import type { DiagnosisVerdict, OpsEvent, OpsEventBus } from '../../telemetry/index.js';
import { dueLevels, ownerOf, targetsOf } from '../model/escalation.js';
import { holdingAlerts } from '../model/holding.js';
import { impactOver } from '../model/impact.js';
import { checkTransition } from '../model/status.js';
import { type Timings, timingsOf } from '../model/timings.js';
import type {
  ActionItem,
  Impact,
  Incident,
  IncidentRole,
  IncidentStatus,
  Postmortem,
  Severity,
  StoredAlert,
  TimelineEvent,
} from '../model/types.js';
import { draftPostmortem } from '../postmortem/draft.js';
import { runbookFor } from '../runbooks.js';
import type { NewIncident } from '../store/incident-rows.js';
import { type AlertIntakeResult, intakeAlerts } from './alert-intake.js';
import { type IncidentDeps, iso } from './context.js';
import type { IncidentNotice } from './notifier.js';

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
 * Incidents: opened by alerts (deduplicated) or by hand, moved through their statuses, escalated
 * by policy, given a timeline from every ops event, and closed with a postmortem draft. All state
 * is in the ops store; the clock is injected.
 */
export class IncidentService {
  readonly deps: IncidentDeps;
  readonly now: () => number;
  /** The latest diagnosis seen on the bus, so an incident opened later starts with it. */
  #lastVerdict: { verdict: DiagnosisVerdict; atMs: number } | undefined;
  /** The top suspect last written to the timeline with no incident open (avoids one row per tick). */
  #lastUnattachedTop = '';

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

  #event(kind: string, summary: string, data?: Record<string, unknown>): OpsEvent {
    return { at: iso(this.now()), source: 'incident', kind, summary, ...(data ? { data } : {}) };
  }

  #notice(incident: Incident, event: IncidentNotice['event'], summary: string, team?: string): void {
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

  /** Opens an incident by hand. */
  open(input: OpenInput, actor: string): Incident {
    const incident = this.store.transaction(() => {
      const created = this.#create({
        title: input.title,
        severity: input.severity,
        openedBy: 'operator',
        dedupKey: null,
        summary: input.summary ?? '',
        startedAt: input.startedAt,
      });
      this.record(
        created.id,
        this.#event('incident.opened', `${actor} opened ${created.severity}: ${created.title}`, { actor }),
      );
      if (input.commander) this.#assign(created, 'commander', input.commander, actor);
      return this.get(created.id);
    });
    this.#escalate(incident);
    return this.get(incident.id);
  }

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
    return this.#create({ ...fields, openedBy: 'alert' });
  }

  #create(fields: {
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
      this.#lastVerdict && nowMs - this.#lastVerdict.atMs <= lookbackMs ? this.#lastVerdict.verdict : null;
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
  #escalate(incident: Incident): void {
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
        this.#event(
          'incident.escalated',
          `escalation level ${last.index + 1}: paged ${teams.join(', ')}${last.index === 0 ? '' : ' (not acknowledged in time)'}`,
          { level: last.index + 1, teams },
        ),
      );
      return next;
    });
    for (const team of teams) {
      this.#notice(updated, last.index === 0 ? 'incident.paged' : 'incident.escalated', updated.title, team);
    }
  }

  /** Pages the owning team of a new top suspect at once, whatever the escalation level. */
  #pageOwner(incident: Incident, team: string, reason: string): void {
    const updated = this.store.transaction(() => {
      const next = this.store.incidents.update(incident.id, { ownerTeam: team, updatedAt: iso(this.now()) });
      this.record(incident.id, this.#event('incident.paged', `paged ${team}: ${reason}`, { team }));
      return next as Incident;
    });
    this.#notice(updated, 'incident.paged', reason, team);
  }

  /** Escalates what is due and resolves what has been quiet long enough; call every few seconds. */
  tick(): void {
    for (const incident of this.openIncidents()) {
      this.#escalate(incident);
      this.#autoResolve(incident);
    }
    const keepMs = 2 * (this.deps.lookbackMinutes ?? 15) * 60_000;
    this.store.timeline.pruneUnattached(iso(this.now() - keepMs));
  }

  #autoResolve(incident: Incident): void {
    const minutes = this.deps.autoResolveMinutes ?? 0;
    if (minutes <= 0 || incident.openedBy !== 'alert' || incident.status !== 'monitoring') return;
    if (!incident.mitigatedAt || this.now() - Date.parse(incident.mitigatedAt) < minutes * 60_000) return;
    if (holdingAlerts(this.store.alerts.forIncident(incident.id)).some((a) => a.status === 'firing')) return;
    this.resolve(incident.id, 'bulwark', `every alert resolved and quiet for ${minutes} min`);
  }

  // ---- changes by operators ----

  acknowledge(id: number, actor: string): Incident {
    const incident = this.get(id);
    if (incident.acknowledgedAt) return incident;
    return this.store.transaction(() => {
      this.record(id, this.#event('incident.acknowledged', `${actor} acknowledged`, { actor }));
      return this.store.incidents.update(id, {
        acknowledgedAt: iso(this.now()),
        updatedAt: iso(this.now()),
      }) as Incident;
    });
  }

  assignRole(id: number, role: IncidentRole, person: string, actor: string): Incident {
    const incident = this.get(id);
    if (incident.status === 'resolved') {
      throw new BulwarkError('INCIDENT_ERR_INVALID_TRANSITION', { status: ['the incident is resolved'] });
    }
    return this.store.transaction(() => this.#assign(incident, role, person, actor));
  }

  #assign(incident: Incident, role: IncidentRole, person: string, actor: string): Incident {
    const now = iso(this.now());
    this.record(
      incident.id,
      this.#event('incident.role', `${actor} made ${person} ${role}`, { role, person, actor }),
    );
    // Someone taking command is an acknowledgement: the escalation stops.
    const ack = role === 'commander' && !incident.acknowledgedAt ? { acknowledgedAt: now } : {};
    return this.store.incidents.update(incident.id, { [role]: person, ...ack, updatedAt: now }) as Incident;
  }

  setSeverity(id: number, severity: Severity, actor: string): Incident {
    const incident = this.get(id);
    if (incident.severity === severity) return incident;
    return this.store.transaction(() => {
      this.record(
        id,
        this.#event('incident.severity', `${actor} changed severity ${incident.severity} → ${severity}`, {
          from: incident.severity,
          to: severity,
          actor,
        }),
      );
      return this.store.incidents.update(id, { severity, updatedAt: iso(this.now()) }) as Incident;
    });
  }

  note(id: number, text: string, actor: string): TimelineEvent {
    this.get(id);
    const eventId = this.record(id, {
      at: iso(this.now()),
      source: 'operator',
      kind: 'operator.note',
      summary: text,
      data: { actor },
    });
    return this.store.timeline.get(eventId) as TimelineEvent;
  }

  /** Moves the incident to a new status; resolving drafts the postmortem. */
  transition(id: number, to: IncidentStatus, actor: string, note?: string): Incident {
    if (to === 'resolved') return this.resolve(id, actor, note);
    const incident = this.get(id);
    const check = checkTransition(incident.status, to);
    if (!check.ok) throw new BulwarkError('INCIDENT_ERR_INVALID_TRANSITION', { status: [check.reason] });
    const now = iso(this.now());
    const changes: Partial<NewIncident> = { status: to, updatedAt: now };
    if (to === 'identified' && !incident.identifiedAt) changes.identifiedAt = now;
    if (to === 'monitoring') changes.mitigatedAt = now;
    if (to === 'investigating') changes.mitigatedAt = null;
    const updated = this.store.transaction(() => {
      this.record(
        id,
        this.#event('incident.status', `${actor}: ${incident.status} → ${to}${note ? ` (${note})` : ''}`, {
          from: incident.status,
          to,
          actor,
        }),
      );
      return this.store.incidents.update(id, changes) as Incident;
    });
    this.#notice(updated, 'incident.status', `${incident.status} → ${to}`);
    return updated;
  }

  /** Resolves: measures the impact over the window, stores it and drafts the postmortem. */
  resolve(id: number, actor: string, note?: string): Incident {
    const incident = this.get(id);
    const check = checkTransition(incident.status, 'resolved');
    if (!check.ok) throw new BulwarkError('INCIDENT_ERR_INVALID_TRANSITION', { status: [check.reason] });
    const now = iso(this.now());
    const mitigatedAt = incident.mitigatedAt ?? now;
    const closing = { ...incident, mitigatedAt, resolvedAt: now };
    const impact = this.measureImpact(closing);
    const resolved = this.store.transaction(() => {
      this.record(
        id,
        this.#event('incident.resolved', `${actor} resolved the incident${note ? `: ${note}` : ''}`, {
          actor,
        }),
      );
      const updated = this.store.incidents.update(id, {
        status: 'resolved',
        mitigatedAt,
        resolvedAt: now,
        impact,
        updatedAt: now,
      }) as Incident;
      this.store.postmortems.saveDraft(id, this.#draft(updated), now);
      return updated;
    });
    this.#notice(resolved, 'incident.resolved', note ?? 'resolved');
    return resolved;
  }

  #draft(incident: Incident): string {
    const alerts = this.store.alerts.forIncident(incident.id);
    return draftPostmortem({
      incident,
      alerts,
      timeline: this.store.timeline.forIncident(incident.id),
      actions: this.store.actions.list({ incidentId: incident.id }),
      timings: timingsOf(incident),
      runbooks: [...new Set(alerts.map((a) => a.alertname))].map((alert) => ({
        alert,
        path: runbookFor(alert),
      })),
    });
  }

  // ---- postmortems ----

  postmortem(id: number): Postmortem {
    this.get(id);
    const pm = this.store.postmortems.get(id);
    if (!pm) {
      throw new BulwarkError('INCIDENT_ERR_NOT_FOUND', {
        postmortem: [`incident ${id} has no postmortem yet: it is drafted when the incident is resolved`],
      });
    }
    return pm;
  }

  replacePostmortem(id: number, markdown: string, actor: string): Postmortem {
    this.postmortem(id);
    return this.store.transaction(() => {
      this.record(id, this.#event('incident.postmortem-edited', `${actor} edited the postmortem`, { actor }));
      return this.store.postmortems.replace(id, markdown, iso(this.now())) as Postmortem;
    });
  }

  // ---- events from the rest of the control plane ----

  /** Takes an Alertmanager v4 payload (the monitor's alerts, or Alertmanager's webhook). */
  onAlert(payload: unknown): AlertIntakeResult {
    const result = intakeAlerts(this, payload);
    if (result.ok) for (const id of result.opened) this.#escalate(this.get(id));
    return result;
  }

  /** Subscribes to the bus; returns the unsubscribe function. */
  subscribe(bus: OpsEventBus): () => void {
    return bus.subscribe((event) => {
      try {
        this.onOpsEvent(event);
      } catch (err) {
        // A bad event must not take down the emitter (a control loop): it is reported and dropped.
        this.deps.emit?.({
          at: iso(this.now()),
          source: 'incident',
          kind: 'incident.event-rejected',
          summary: `an ops event from ${event.source} was not recorded: ${(err as Error).message}`,
        });
      }
    });
  }

  /** Records one ops event on every open incident's timeline (or unattached when none is open). */
  onOpsEvent(event: OpsEvent): void {
    if (event.source === 'incident') return; // our own, already stored
    if (event.source === 'alert') {
      const payload = alertPayloadOf(event);
      if (payload) {
        this.onAlert(payload);
        return;
      }
    }
    if (event.source === 'diagnosis') {
      this.#onDiagnosis(event);
      return;
    }
    const open = this.openIncidents();
    if (open.length === 0) this.record(null, event);
    for (const incident of open) this.record(incident.id, event);
  }

  #onDiagnosis(event: OpsEvent): void {
    const verdict = verdictOf(event);
    if (!verdict) {
      throw new Error('a diagnosis event carries no verdict (data.suspects or data.verdict.suspects)');
    }
    this.#lastVerdict = { verdict, atMs: this.now() };
    const top = verdict.suspects[0];
    const topKey = top ? `${top.component}|${top.target ?? ''}` : '';
    const open = this.openIncidents();
    if (open.length === 0) {
      if (topKey !== this.#lastUnattachedTop) this.record(null, { ...event, data: { ...verdict } });
      this.#lastUnattachedTop = topKey;
      return;
    }
    for (const incident of open) {
      const before = incident.diagnosis?.suspects[0];
      const beforeKey = before ? `${before.component}|${before.target ?? ''}` : '';
      const changed = beforeKey !== topKey;
      this.store.transaction(() => {
        if (changed) this.record(incident.id, { ...event, data: { ...verdict } });
        // The incident keeps the last verdict that named a suspect: after the fix the diagnosis
        // says all is healthy, which is recorded on the timeline but explains nothing.
        if (top) this.store.incidents.update(incident.id, { diagnosis: verdict, updatedAt: iso(this.now()) });
      });
      if (changed && top) {
        const owner = ownerOf(this.deps.policy, top.component);
        if (owner !== incident.ownerTeam) {
          this.#pageOwner(this.get(incident.id), owner, `diagnosis names ${top.component}: ${top.summary}`);
        }
      }
    }
  }
}

/**
 * The Alertmanager payload an alert event stands for: a whole v4 payload in `data` (or
 * `data.payload`), or the monitor's one-event-per-alert shape (`alertEvents` of src/monitor:
 * alertname, fingerprint, labels, annotations, startsAt, endsAt, groupKey), made into a one-alert
 * payload so both go through the same deduplication.
 */
function alertPayloadOf(event: OpsEvent): unknown {
  const data = event.data as Record<string, unknown> | undefined;
  if (!data) return undefined;
  if (data.version === '4') return data;
  const nested = data.payload as { version?: unknown } | undefined;
  if (nested?.version === '4') return nested;
  if (typeof data.groupKey !== 'string' || typeof data.labels !== 'object' || data.labels === null)
    return undefined;
  const status = event.kind === 'alert.resolved' ? 'resolved' : 'firing';
  return {
    version: '4',
    groupKey: data.groupKey,
    status,
    alerts: [
      {
        status,
        labels: data.labels,
        annotations: data.annotations ?? {},
        startsAt: data.startsAt,
        ...(typeof data.endsAt === 'string' ? { endsAt: data.endsAt } : {}),
        ...(typeof data.fingerprint === 'string' && data.fingerprint
          ? { fingerprint: data.fingerprint }
          : {}),
      },
    ],
  };
}

function verdictOf(event: OpsEvent): DiagnosisVerdict | undefined {
  const data = event.data as (Partial<DiagnosisVerdict> & { verdict?: DiagnosisVerdict }) | undefined;
  const v = data?.verdict ?? data;
  if (!v || !Array.isArray(v.suspects)) return undefined;
  return { at: typeof v.at === 'string' ? v.at : event.at, suspects: v.suspects, healthy: v.healthy ?? [] };
}
