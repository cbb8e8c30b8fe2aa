import {
  type AlertmanagerAlert,
  type AlertmanagerPayload,
  checkAlertmanagerPayload,
  endOf,
  fingerprintOf,
} from '../model/alertmanager.js';
import { holdingAlerts } from '../model/holding.js';
import { moreSevere, severityFromLabels } from '../model/severity.js';
import type { Incident } from '../model/types.js';
import { iso } from './context.js';
import type { IncidentService } from './incident-service.js';

export type AlertAction = 'opened' | 'attached' | 'refired' | 'repeat' | 'resolved' | 'unknown';

export type AlertIntakeResult =
  | {
      ok: true;
      alerts: { fingerprint: string; alertname: string; incidentId: number | null; action: AlertAction }[];
      opened: number[];
    }
  | { ok: false; problems: string[] };

/**
 * The open incident an alert belongs to: its group's; else the one it is already attached to; else,
 * for a firing alert, an alert-opened incident detected within the grouping window (the pool-wait
 * warning and the latency page of one outage make one incident, not two).
 */
function openIncidentFor(
  service: IncidentService,
  groupKey: string,
  fingerprint: string,
  firing: boolean,
): Incident | undefined {
  const byGroup = service.store.incidents.openByKey(groupKey);
  if (byGroup) return byGroup;
  const seen = service.store.alerts.latestByFingerprint(fingerprint);
  const incident = seen && service.store.incidents.get(seen.incidentId);
  if (incident && incident.status !== 'resolved') return incident;
  const windowMs = (service.deps.groupWindowMinutes ?? 0) * 60_000;
  if (!firing || windowMs <= 0) return undefined;
  const since = service.now() - windowMs;
  return service.openIncidents().find((i) => i.openedBy === 'alert' && Date.parse(i.detectedAt) >= since);
}

function titleOf(payload: AlertmanagerPayload, alert: AlertmanagerAlert): string {
  const name = alert.labels.alertname ?? 'alert';
  const summary = alert.annotations?.summary ?? payload.commonAnnotations?.summary;
  return summary ? `${name}: ${summary}` : name;
}

/**
 * Deduplication: one open incident per Alertmanager group key, and an alert already attached to an
 * open incident stays with it even when it arrives in another group. A flapping alert (firing,
 * resolved, firing) therefore opens one incident and its re-firing is recorded on that incident,
 * which goes back to investigating if it was being monitored. Repeat notifications of an alert in
 * the same state add nothing to the timeline.
 */
export function intakeAlerts(service: IncidentService, raw: unknown): AlertIntakeResult {
  const check = checkAlertmanagerPayload(raw);
  if (!check.ok) return check;
  const payload = check.payload;
  const results: Extract<AlertIntakeResult, { ok: true }>['alerts'] = [];
  const opened: number[] = [];
  service.store.transaction(() => {
    for (const alert of payload.alerts) {
      const fingerprint = fingerprintOf(alert);
      const alertname = alert.labels.alertname ?? 'alert';
      const now = iso(service.now());
      let incident = openIncidentFor(service, payload.groupKey, fingerprint, alert.status === 'firing');
      if (!incident && alert.status === 'resolved') {
        results.push({ fingerprint, alertname, incidentId: null, action: 'unknown' });
        continue;
      }
      let action: AlertAction = 'attached';
      if (!incident) {
        incident = service.createFromAlert({
          title: titleOf(payload, alert),
          severity: severityFromLabels({ ...payload.commonLabels, ...alert.labels }),
          dedupKey: payload.groupKey,
          summary: alert.annotations?.description ?? payload.commonAnnotations?.description ?? '',
          startedAt: alert.startsAt,
        });
        opened.push(incident.id);
        action = 'opened';
        service.record(incident.id, {
          at: now,
          source: 'incident',
          kind: 'incident.opened',
          summary: `opened ${incident.severity} by alert ${alertname}`,
          data: { alertname, fingerprint, groupKey: payload.groupKey },
        });
      }
      const change = service.store.alerts.record(incident.id, {
        fingerprint,
        alertname,
        groupKey: payload.groupKey,
        status: alert.status,
        labels: alert.labels,
        annotations: alert.annotations ?? {},
        startsAt: alert.startsAt,
        endsAt: endOf(alert),
        seenAt: now,
      });
      if (change === 'same') {
        results.push({ fingerprint, alertname, incidentId: incident.id, action: 'repeat' });
        continue;
      }
      if (change === 'refired') action = 'refired';
      if (change === 'resolved') action = 'resolved';
      const at = alert.status === 'firing' ? alert.startsAt : (endOf(alert) ?? now);
      service.record(incident.id, {
        at: change === 'refired' ? now : at,
        source: 'alert',
        kind:
          alert.status === 'firing'
            ? change === 'refired'
              ? 'alert.refired'
              : 'alert.firing'
            : 'alert.resolved',
        summary: `${alertname} ${change === 'refired' ? 'fired again' : alert.status}${alert.annotations?.summary ? `: ${alert.annotations.summary}` : ''}`,
        data: {
          alertname,
          fingerprint,
          groupKey: payload.groupKey,
          labels: alert.labels,
          annotations: alert.annotations ?? {},
        },
      });
      if (alert.status === 'firing') {
        const severity = moreSevere(incident.severity, severityFromLabels(alert.labels));
        if (severity !== incident.severity) {
          // A more severe alert joining an alert-opened incident names it: the page, not the warning.
          service.store.incidents.update(incident.id, {
            severity,
            ...(incident.openedBy === 'alert' ? { title: titleOf(payload, alert) } : {}),
            updatedAt: now,
          });
          service.record(incident.id, {
            at: now,
            source: 'incident',
            kind: 'incident.severity',
            summary: `severity ${incident.severity} → ${severity}: ${alertname} fired`,
            data: { from: incident.severity, to: severity, alertname },
          });
        }
        const holding = holdingAlerts(service.store.alerts.forIncident(incident.id));
        if (incident.status === 'monitoring' && holding.some((a) => a.fingerprint === fingerprint)) {
          service.transition(incident.id, 'investigating', 'bulwark', `${alertname} fired again`);
        }
      } else if (
        incident.status !== 'monitoring' &&
        holdingAlerts(service.store.alerts.forIncident(incident.id)).every((a) => a.status === 'resolved')
      ) {
        service.transition(
          incident.id,
          'monitoring',
          'bulwark',
          `every ${severityFromLabels(alert.labels)} alert resolved`,
        );
      }
      results.push({ fingerprint, alertname, incidentId: incident.id, action });
    }
  });
  return { ok: true, alerts: results, opened };
}
