import { BulwarkError } from '../../errors/index.js';
import type { OpsEvent, OpsEventBus } from '../../telemetry/index.js';
import { ownerOf } from '../model/escalation.js';
import { holdingAlerts } from '../model/holding.js';
import { checkTransition } from '../model/status.js';
import { timingsOf } from '../model/timings.js';
import type {
  Incident,
  IncidentRole,
  IncidentStatus,
  Postmortem,
  Severity,
  TimelineEvent,
} from '../model/types.js';
import { draftPostmortem } from '../postmortem/draft.js';
import { runbookFor } from '../runbooks.js';
import type { NewIncident } from '../store/incident-rows.js';
import { type AlertIntakeResult, intakeAlerts } from './alert-intake.js';
import { iso } from './context.js';
import { IncidentCore, type OpenInput, PAGE_CONFIDENCE } from './incident-core.js';
import { alertPayloadOf, verdictOf } from './ops-event-shapes.js';

export type { IncidentDetail, OpenInput } from './incident-core.js';

/**
 * Incidents: opened by alerts (deduplicated) or by hand, moved through their statuses, escalated
 * by policy, given a timeline from every ops event, and closed with a postmortem draft. All state
 * is in the ops store; the clock is injected.
 */
export class IncidentService extends IncidentCore {
  /** Opens an incident by hand. */
  open(input: OpenInput, actor: string): Incident {
    const incident = this.store.transaction(() => {
      const created = this.create({
        title: input.title,
        severity: input.severity,
        openedBy: 'operator',
        dedupKey: null,
        summary: input.summary ?? '',
        startedAt: input.startedAt,
      });
      this.record(
        created.id,
        this.event('incident.opened', `${actor} opened ${created.severity}: ${created.title}`, { actor }),
      );
      if (input.commander) this.#assign(created, 'commander', input.commander, actor);
      return this.get(created.id);
    });
    this.escalate(incident);
    return this.get(incident.id);
  }

  /** Escalates what is due and resolves what has been quiet long enough; call every few seconds. */
  tick(): void {
    for (const incident of this.openIncidents()) {
      this.escalate(incident);
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
      this.record(id, this.event('incident.acknowledged', `${actor} acknowledged`, { actor }));
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
      this.event('incident.role', `${actor} made ${person} ${role}`, { role, person, actor }),
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
        this.event('incident.severity', `${actor} changed severity ${incident.severity} → ${severity}`, {
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
        this.event('incident.status', `${actor}: ${incident.status} → ${to}${note ? ` (${note})` : ''}`, {
          from: incident.status,
          to,
          actor,
        }),
      );
      return this.store.incidents.update(id, changes) as Incident;
    });
    this.notice(updated, 'incident.status', `${incident.status} → ${to}`);
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
        this.event('incident.resolved', `${actor} resolved the incident${note ? `: ${note}` : ''}`, {
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
    this.notice(resolved, 'incident.resolved', note ?? 'resolved');
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
      this.record(id, this.event('incident.postmortem-edited', `${actor} edited the postmortem`, { actor }));
      return this.store.postmortems.replace(id, markdown, iso(this.now())) as Postmortem;
    });
  }

  // ---- events from the rest of the control plane ----

  /** Takes an Alertmanager v4 payload (the monitor's alerts, or Alertmanager's webhook). */
  onAlert(payload: unknown): AlertIntakeResult {
    const result = intakeAlerts(this, payload);
    if (result.ok) for (const id of result.opened) this.escalate(this.get(id));
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
    this.lastVerdict = { verdict, atMs: this.now() };
    const top = verdict.suspects[0];
    const topKey = top ? `${top.component}|${top.target ?? ''}` : '';
    // The monitor names the same suspect again when it has firmed up (`diagnosis.firmer`): the
    // timeline keeps that sighting too, with the evidence the fault's onset did not show yet.
    const firmer = event.kind === 'diagnosis.firmer' && top !== undefined;
    const open = this.openIncidents();
    if (open.length === 0) {
      if (topKey !== this.lastUnattachedTop || firmer) this.record(null, { ...event, data: { ...verdict } });
      this.lastUnattachedTop = topKey;
      return;
    }
    for (const incident of open) {
      const before = incident.diagnosis?.suspects[0];
      const beforeKey = before ? `${before.component}|${before.target ?? ''}` : '';
      const changed = beforeKey !== topKey;
      this.store.transaction(() => {
        if (changed || firmer) this.record(incident.id, { ...event, data: { ...verdict } });
        // The incident keeps the last verdict that named a suspect: after the fix the diagnosis
        // says all is healthy, which is recorded on the timeline but explains nothing.
        if (top) this.store.incidents.update(incident.id, { diagnosis: verdict, updatedAt: iso(this.now()) });
      });
      // A confident suspect owned by a team not paged yet on this incident pages it at once; a
      // verdict flapping between weak suspects pages nobody.
      if ((changed || firmer) && top && top.confidence >= PAGE_CONFIDENCE) {
        const owner = ownerOf(this.deps.policy, top.component);
        if (owner !== incident.ownerTeam && !this.pagedTeams(incident.id).has(owner)) {
          this.pageOwner(this.get(incident.id), owner, `diagnosis names ${top.component}: ${top.summary}`);
        } else if (owner !== incident.ownerTeam) {
          this.store.incidents.update(incident.id, { ownerTeam: owner, updatedAt: iso(this.now()) });
        }
      }
    }
  }
}
