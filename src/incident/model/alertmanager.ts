import { createHash } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Labels = Type.Record(Type.String(), Type.String());

/** One alert of an Alertmanager webhook (version 4). */
export const AlertmanagerAlertSchema = Type.Object({
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  labels: Labels,
  annotations: Type.Optional(Labels),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.Optional(Type.String()),
  generatorURL: Type.Optional(Type.String()),
  fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

/** The Alertmanager webhook payload, version 4, as Alertmanager and Bulwark's monitor send it. */
export const AlertmanagerPayloadSchema = Type.Object({
  version: Type.Literal('4'),
  groupKey: Type.String({ minLength: 1, maxLength: 1000 }),
  truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  receiver: Type.Optional(Type.String()),
  groupLabels: Type.Optional(Labels),
  commonLabels: Type.Optional(Labels),
  commonAnnotations: Type.Optional(Labels),
  externalURL: Type.Optional(Type.String()),
  alerts: Type.Array(AlertmanagerAlertSchema, { minItems: 1, maxItems: 1000 }),
});

export type AlertmanagerAlert = Static<typeof AlertmanagerAlertSchema>;
export type AlertmanagerPayload = Static<typeof AlertmanagerPayloadSchema>;

export type PayloadCheck = { ok: true; payload: AlertmanagerPayload } | { ok: false; problems: string[] };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks an untrusted payload; every problem is listed with its path. */
export function checkAlertmanagerPayload(value: unknown): PayloadCheck {
  const problems = [...Value.Errors(AlertmanagerPayloadSchema, value)]
    .filter((e) => e.message !== "Unknown format 'date-time'")
    .map((e) => `${e.path || '(payload)'}: ${e.message}`);
  if (problems.length === 0) {
    (value as AlertmanagerPayload).alerts.forEach((a, i) => {
      if (!DATE_TIME.test(a.startsAt)) problems.push(`/alerts/${i}/startsAt: must be an RFC 3339 time`);
    });
  }
  return problems.length === 0
    ? { ok: true, payload: value as AlertmanagerPayload }
    : { ok: false, problems };
}

/** Alertmanager's own fingerprint when sent; otherwise a stable hash of the sorted labels. */
export function fingerprintOf(alert: AlertmanagerAlert): string {
  if (alert.fingerprint) return alert.fingerprint;
  const sorted = Object.entries(alert.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

/** Alertmanager sends endsAt 0001-01-01T00:00:00Z for an alert that has not ended. */
export function endOf(alert: AlertmanagerAlert): string | null {
  return alert.endsAt && !alert.endsAt.startsWith('0001-') ? alert.endsAt : null;
}
