import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { type OpsPlugin, requireOpsToken } from '../console/index.js';
import {
  collectProbes,
  createAlertNotifier,
  createDbProbe,
  createWebhookSender,
  MonitorLoop,
  monitorRoutes,
} from '../monitor/index.js';
import type { OpsEventBus } from '../telemetry/index.js';

export interface SupervisorMonitor {
  loop: MonitorLoop;
  /** `GET /ops/diagnosis`, `GET /ops/alerts/active`, `POST /ops/alerts` for the ops server. */
  plugin: OpsPlugin;
  start(poolPerWorker: number): void;
  stop(): Promise<void>;
}

/**
 * The monitor as the supervisor runs it: probes the workers over IPC and the database over its own
 * connection every `slo.evaluateIntervalMs`, and sends alerts to `alerts.webhookUrls`.
 */
export function createSupervisorMonitor(options: {
  config: Readonly<Config>;
  databaseUrl: string;
  bus: OpsEventBus;
  log: Logger;
}): SupervisorMonitor {
  const { config, log, bus } = options;
  const interval = config.slo.evaluateIntervalMs;
  const db = createDbProbe({ url: options.databaseUrl, timeoutMs: Math.max(500, interval) });
  const sender =
    config.alerts.webhookUrls.length > 0
      ? createWebhookSender({
          urls: config.alerts.webhookUrls,
          timeoutMs: config.alerts.timeoutMs,
          retries: config.alerts.retries,
          log: (o) => (o.ok ? log.info(o, 'alert delivered') : log.warn(o, 'alert delivery failed')),
        })
      : undefined;
  const notifier = createAlertNotifier({
    bus,
    sender,
    externalURL: config.alerts.externalUrl,
    log: ({ msg, ...rest }) => log.warn(rest, msg),
  });
  let poolPerWorker = 0;
  const loop = new MonitorLoop({
    settings: config.slo,
    windowMs: Math.max(10_000, 2 * interval),
    collect: () => collectProbes(Math.max(250, Math.min(2000, interval / 2))),
    db,
    bus,
    notifier,
    log: ({ msg, ...rest }) => log.info(rest, msg),
    get poolPerWorker() {
      return poolPerWorker;
    },
  });
  const routes = monitorRoutes({ state: () => loop.state(), bus, authorize: requireOpsToken });
  return {
    loop,
    plugin: async (app) => routes(app),
    start(perWorker) {
      poolPerWorker = perWorker;
      loop.start(interval);
    },
    async stop() {
      await loop.stop();
      await db.close();
    },
  };
}
