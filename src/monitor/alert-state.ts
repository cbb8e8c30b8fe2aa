import { createHash } from 'node:crypto';

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** One alert instance, identified by its labels (as in Prometheus and Alertmanager). */
export interface AlertInstance {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  /** When the condition became true (Prometheus's activeAt), ms. */
  activeAt: number;
  /** When it started firing (Alertmanager's startsAt), ms. */
  firedAt?: number;
  resolvedAt?: number;
}

/** What the evaluation says about one alert right now. */
export interface AlertCondition {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  active: boolean;
  /** How long the condition must hold before the alert fires (already time-scaled), ms. */
  forMs: number;
}

export interface AlertTransition {
  to: AlertState;
  alert: AlertInstance;
}

/**
 * A stable identity of a label set: sorted `name=value` pairs hashed, 16 hex digits like
 * Alertmanager's fingerprints, so a receiver can match firing and resolved notifications.
 */
export function fingerprintOf(labels: Record<string, string>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(labels).sort()) h.update(`${k}\u0000${labels[k]}\u0000`);
  return h.digest('hex').slice(0, 16);
}

/**
 * Prometheus's alert life cycle: an active condition makes an alert pending; one that stays
 * active for `forMs` fires; a firing alert whose condition ends is resolved (and reported once);
 * a pending one whose condition ends is dropped silently, since no one was told. Pure: the caller
 * passes the time.
 */
export class AlertStateMachine {
  readonly #alerts = new Map<string, AlertInstance>();

  /** Applies this evaluation's conditions and returns what changed, in order. */
  update(now: number, conditions: readonly AlertCondition[]): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const c of conditions) {
      const fp = fingerprintOf(c.labels);
      let a = this.#alerts.get(fp);
      if (c.active) {
        if (!a || a.state === 'resolved') {
          a = {
            fingerprint: fp,
            labels: { ...c.labels },
            annotations: { ...c.annotations },
            state: 'pending',
            activeAt: now,
          };
          this.#alerts.set(fp, a);
          out.push({ to: 'pending', alert: { ...a } });
        } else {
          a.annotations = { ...c.annotations };
        }
        if (a.state === 'pending' && now - a.activeAt >= c.forMs) {
          a.state = 'firing';
          a.firedAt = now;
          out.push({ to: 'firing', alert: { ...a } });
        }
      } else if (a) {
        if (a.state === 'firing') {
          a.state = 'resolved';
          a.resolvedAt = now;
          a.annotations = { ...a.annotations, ...c.annotations };
          out.push({ to: 'resolved', alert: { ...a } });
        } else if (a.state === 'pending') {
          this.#alerts.delete(fp);
        }
      }
    }
    return out;
  }

  /** Pending and firing alerts (resolved ones are history). */
  active(): AlertInstance[] {
    return [...this.#alerts.values()].filter((a) => a.state !== 'resolved').map((a) => ({ ...a }));
  }

  firing(): AlertInstance[] {
    return this.active().filter((a) => a.state === 'firing');
  }
}
