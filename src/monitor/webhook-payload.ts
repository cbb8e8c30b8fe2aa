import type { AlertInstance } from './alert-state.js';

/** One alert in an Alertmanager webhook (payload version 4). */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** The Alertmanager webhook body, version 4: exactly these fields. */
export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

/** Alertmanager's zero time: an alert that has not ended. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

const common = (maps: Record<string, string>[]): Record<string, string> => {
  const [first, ...rest] = maps;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((m) => m[k] === v)));
};

/** Alertmanager's group key notation: `{}:{alertname="X"}`. */
export const groupKeyOf = (groupLabels: Record<string, string>): string =>
  `{}:{${Object.keys(groupLabels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(groupLabels[k])}`)
    .join(',')}}`;

/**
 * Webhook payloads for alerts that fired or resolved, one per alert name (Alertmanager's
 * `group_by: [alertname]`), so a receiver built for Alertmanager takes Bulwark's alerts unchanged.
 */
export function webhookPayloads(
  alerts: readonly AlertInstance[],
  options: { receiver: string; externalURL: string },
): WebhookPayload[] {
  const groups = new Map<string, AlertInstance[]>();
  for (const a of alerts) {
    if (a.state === 'pending') continue;
    const name = a.labels.alertname ?? '';
    groups.set(name, [...(groups.get(name) ?? []), a]);
  }
  return [...groups].map(([alertname, members]) => {
    const groupLabels = { alertname };
    const out: WebhookAlert[] = members.map((a) => ({
      status: a.state === 'firing' ? 'firing' : 'resolved',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.firedAt ?? a.activeAt).toISOString(),
      endsAt:
        a.state === 'resolved' && a.resolvedAt !== undefined
          ? new Date(a.resolvedAt).toISOString()
          : ZERO_TIME,
      generatorURL: options.externalURL ? `${options.externalURL.replace(/\/$/, '')}/ops/alerts` : '',
      fingerprint: a.fingerprint,
    }));
    return {
      version: '4',
      groupKey: groupKeyOf(groupLabels),
      truncatedAlerts: 0,
      status: out.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
      receiver: options.receiver,
      groupLabels,
      commonLabels: common(out.map((a) => a.labels)),
      commonAnnotations: common(out.map((a) => a.annotations)),
      externalURL: options.externalURL,
      alerts: out,
    };
  });
}
