import type { OpsEvent } from '../telemetry/index.js';
import type { WebhookAlert, WebhookPayload } from './webhook-payload.js';

/**
 * One ops event per alert in a webhook payload, whether Bulwark raised it or an Alertmanager sent
 * it in: the incident timeline sees one shape. `origin` says which.
 */
export function alertEvents(payload: WebhookPayload, origin: 'bulwark' | 'alertmanager'): OpsEvent[] {
  return payload.alerts.map((a: WebhookAlert) => {
    const name = a.labels.alertname ?? 'unnamed';
    const at = a.status === 'resolved' && a.endsAt && !a.endsAt.startsWith('0001') ? a.endsAt : a.startsAt;
    const summary = a.annotations.summary ? `: ${a.annotations.summary}` : '';
    return {
      at: Number.isNaN(Date.parse(at)) ? new Date().toISOString() : new Date(at).toISOString(),
      source: 'alert',
      kind: `alert.${a.status}`,
      summary: `${name} ${a.status}${a.labels.severity ? ` (${a.labels.severity})` : ''}${summary}`,
      data: {
        origin,
        alertname: name,
        fingerprint: a.fingerprint,
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        receiver: payload.receiver,
        groupKey: payload.groupKey,
      },
    };
  });
}
