import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface SupervisorMetricSources {
  /** Workers alive now. */
  workers(): number;
}

/** Prefix of the supervisor's own process metrics, apart from the workers' summed ones. */
export const SUPERVISOR_PREFIX = 'bulwark_supervisor_';

/**
 * The supervisor's own registry: its process and runtime metrics under `bulwark_supervisor_`, so
 * they sit beside the workers' aggregate in one exposition without clashing, and the worker count.
 */
export function createSupervisorMetrics(sources: SupervisorMetricSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: SUPERVISOR_PREFIX });
  new Gauge({
    name: 'bulwark_workers',
    help: 'HTTP worker processes alive.',
    registers: [registry],
    collect() {
      this.set(sources.workers());
    },
  });
  return registry;
}
