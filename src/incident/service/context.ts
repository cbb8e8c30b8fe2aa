import type { OpsEvent } from '../../telemetry/index.js';
import type { EscalationPolicy } from '../model/escalation.js';
import type { ImpactSource } from '../model/impact.js';
import type { OpsStore } from '../store/ops-store.js';
import type { IncidentNotice } from './notifier.js';

/** Everything the incident service needs from outside, injected so tests use plain values. */
export interface IncidentDeps {
  store: OpsStore;
  policy: EscalationPolicy;
  notify: (notice: IncidentNotice) => void;
  /** Epoch ms. */
  now?: () => number;
  impact?: ImpactSource | undefined;
  /** Where the service's own events go (the supervisor's OpsEventBus), for the console and others. */
  emit?: (event: OpsEvent) => void;
  autoResolveMinutes?: number;
  lookbackMinutes?: number;
  /** A second with at least this share of failed or slow requests counts as impaired (impact window). */
  impairedShare?: number;
  /** Alerts of other groups firing this soon after an alert-opened incident join it. */
  groupWindowMinutes?: number;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
