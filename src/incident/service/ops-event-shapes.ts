import type { DiagnosisVerdict, OpsEvent } from '../../telemetry/index.js';

/**
 * The Alertmanager payload an alert event stands for: a whole v4 payload in `data` (or
 * `data.payload`), or the monitor's one-event-per-alert shape (`alertEvents` of src/monitor:
 * alertname, fingerprint, labels, annotations, startsAt, endsAt, groupKey), made into a one-alert
 * payload so both go through the same deduplication.
 */
export function alertPayloadOf(event: OpsEvent): unknown {
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

export function verdictOf(event: OpsEvent): DiagnosisVerdict | undefined {
  const data = event.data as (Partial<DiagnosisVerdict> & { verdict?: DiagnosisVerdict }) | undefined;
  const v = data?.verdict ?? data;
  if (!v || !Array.isArray(v.suspects)) return undefined;
  return { at: typeof v.at === 'string' ? v.at : event.at, suspects: v.suspects, healthy: v.healthy ?? [] };
}
