import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { type OpsPlugin, requireOpsToken } from '../console/index.js';
import {
  ActionService,
  createIncidentService,
  type IncidentService,
  incidentRoutes,
  openOpsStore,
  RequestLedger,
  receiveOutcomes,
} from '../incident/index.js';
import type { OpsEventBus } from '../telemetry/index.js';

export interface SupervisorIncidents {
  service: IncidentService;
  /** `/ops/incidents…` and `/ops/actions…` for the ops server. */
  plugin: OpsPlugin;
  stop(): Promise<void>;
}

/** How often escalation timeouts and auto-resolution are checked. */
const TICK_MS = 5_000;

/**
 * The incident service as the supervisor runs it: its own store in `<dataDir>/ops.sqlite` (opened
 * before the database starts, and independent of it), subscribed to the ops event bus, fed the
 * workers' request outcomes for impact, ticking for escalation and auto-resolution.
 */
export function createSupervisorIncidents(options: {
  config: Readonly<Config>;
  bus: OpsEventBus;
  log: Logger;
}): SupervisorIncidents {
  const { config, bus, log } = options;
  const store = openOpsStore(config.dataDir);
  const ledger = new RequestLedger({ latencyObjectiveMs: config.slo.latencyThresholdMs, bucketMs: 1_000 });
  let droppedLogged = 0;
  const stopOutcomes = receiveOutcomes(
    (o) => ledger.record(o),
    (n) => {
      droppedLogged += n;
      if (droppedLogged === n)
        log.warn({ dropped: n }, 'request outcomes dropped by a worker: impact undercounts');
    },
  );
  const { service, notifier } = createIncidentService(config, { store, log, bus, impact: ledger });
  const unsubscribe = service.subscribe(bus);
  const timer = setInterval(() => {
    try {
      service.tick();
    } catch (err) {
      log.error({ err }, 'incident tick failed');
    }
  }, TICK_MS);
  timer.unref();
  const routes = incidentRoutes({
    service,
    actions: new ActionService(store),
    requireToken: requireOpsToken,
  });
  return {
    service,
    plugin: async (app) => routes(app, {}),
    async stop() {
      clearInterval(timer);
      unsubscribe();
      stopOutcomes();
      // Deliveries in flight get a moment; the notices are in the log either way.
      await Promise.race([notifier.idle(), new Promise((r) => setTimeout(r, 2_000).unref())]);
      store.close();
    },
  };
}
