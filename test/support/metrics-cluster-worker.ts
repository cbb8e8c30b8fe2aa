// A cluster worker for the cluster-metrics test. With BULWARK_TEST_SERVE_METRICS=1 it answers the
// supervisor's metrics requests as a worker with telemetry on does (one counter, value 3); without
// it, it answers nothing, as a worker with `telemetry.enabled` false. It leaves when disconnected.
import { Counter, Registry } from 'prom-client';
import { serveWorkerMetrics } from '../../src/telemetry/index.js';

if (process.env.BULWARK_TEST_SERVE_METRICS === '1') {
  const registry = new Registry();
  new Counter({ name: 'test_worker_events_total', help: 'A worker counter.', registers: [registry] }).inc(3);
  serveWorkerMetrics(registry);
}
process.send?.({ type: 'test:ready' });
process.on('disconnect', () => process.exit(0));
