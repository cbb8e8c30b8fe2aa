import type { Config } from '../../config/index.js';
import type { OpsEventBus } from '../../telemetry/index.js';
import type { EscalationPolicy } from '../model/escalation.js';
import type { ImpactSource } from '../model/impact.js';
import type { OpsStore } from '../store/ops-store.js';
import { IncidentService } from './incident-service.js';
import { type NoticeLog, WebhookNotifier } from './notifier.js';

/** The escalation policy of the configuration (`incident.*`). */
export function policyFromConfig(config: Readonly<Config>): EscalationPolicy {
  return {
    levels: config.incident.escalation.map((l) => ({
      afterMinutes: l.afterMinutes,
      targets: [...l.targets],
    })),
    owners: { ...config.incident.owners },
    defaultTeam: config.incident.defaultTeam,
  };
}

export interface IncidentRuntime {
  service: IncidentService;
  notifier: WebhookNotifier;
}

/**
 * The incident service as the supervisor runs it: policy and webhooks from the configuration, the
 * service's own events on the bus, and notices posted and logged.
 */
export function createIncidentService(
  config: Readonly<Config>,
  parts: { store: OpsStore; log: NoticeLog; bus?: OpsEventBus; impact?: ImpactSource; now?: () => number },
): IncidentRuntime {
  const notifier = new WebhookNotifier({
    store: parts.store,
    webhooks: config.incident.webhooks
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    teamWebhooks: config.incident.teamWebhooks,
    timeoutMs: config.incident.notifyTimeoutMs,
    log: parts.log,
    ...(parts.now ? { clock: parts.now } : {}),
  });
  const service = new IncidentService({
    store: parts.store,
    policy: policyFromConfig(config),
    notify: (n) => notifier.send(n),
    impact: parts.impact,
    ...(parts.now ? { now: parts.now } : {}),
    ...(parts.bus ? { emit: (e) => parts.bus?.emit(e) } : {}),
    autoResolveMinutes: config.incident.autoResolveMinutes,
    lookbackMinutes: config.incident.lookbackMinutes,
    impairedShare: config.incident.impairedShare,
    groupWindowMinutes: config.incident.groupWindowMinutes,
  });
  return { service, notifier };
}
