import type { OpsEventBus } from '../telemetry/index.js';
import { alertEvents } from './alert-events.js';
import type { AlertTransition } from './alert-state.js';
import { webhookPayloads } from './webhook-payload.js';
import type { DeliveryOutcome, WebhookSender } from './webhook-sender.js';

export interface AlertNotifierOptions {
  bus: OpsEventBus;
  /** Absent when no receiver is configured: alerts still reach the bus and the log. */
  sender?: WebhookSender | undefined;
  receiver?: string;
  externalURL?: string;
  log: (line: { msg: string; [k: string]: unknown }) => void;
}

/**
 * Where fired and resolved alerts go: the log, the ops event bus (the incident timeline) and the
 * configured webhooks, as Alertmanager payloads. Pending alerts are only logged: no one is told of
 * a condition that has not held for its `for` duration.
 */
export function createAlertNotifier(options: AlertNotifierOptions) {
  return {
    async notify(transitions: readonly AlertTransition[]): Promise<DeliveryOutcome[]> {
      for (const t of transitions)
        options.log({
          msg: `alert ${t.to}`,
          alertname: t.alert.labels.alertname,
          severity: t.alert.labels.severity,
          fingerprint: t.alert.fingerprint,
          description: t.alert.annotations.description,
        });
      const payloads = webhookPayloads(
        transitions.map((t) => t.alert),
        { receiver: options.receiver ?? 'bulwark', externalURL: options.externalURL ?? '' },
      );
      for (const p of payloads) for (const e of alertEvents(p, 'bulwark')) options.bus.emit(e);
      if (!options.sender || payloads.length === 0) return [];
      return options.sender.deliver(payloads);
    },
  };
}

export type AlertNotifier = ReturnType<typeof createAlertNotifier>;
