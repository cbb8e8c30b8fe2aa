import assert from 'node:assert/strict';
import cluster, { type Worker } from 'node:cluster';
import { after, before, test } from 'node:test';
import { createClusterMetrics, createSupervisorMetrics } from '../../src/telemetry/index.js';

const workers: Worker[] = [];

before(async () => {
  cluster.setupPrimary({ exec: 'test/support/metrics-cluster-worker.ts', execArgv: ['--import', 'tsx'] });
  for (const serve of ['1', '0']) {
    const worker = cluster.fork({ BULWARK_TEST_SERVE_METRICS: serve });
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    workers.push(worker);
  }
});

after(async () => {
  const exits = workers.map(
    (w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))),
  );
  for (const w of workers) w.disconnect();
  await Promise.all(exits);
});

const own = () => createSupervisorMetrics({ workers: () => workers.length });

test('a scrape sums the workers that answer and leaves out one that does not', async () => {
  const registry = createClusterMetrics({ own: own(), timeoutMs: 200 });
  const text = await registry.metrics();
  assert.deepEqual(registry.lastCollection, { asked: 2, answered: 1 });
  assert.match(text, /^test_worker_events_total 3$/m);
  assert.match(text, /^bulwark_workers 2$/m);
});

test('with askWorkers false (telemetry off) a scrape asks no worker and serves the supervisor metrics', async () => {
  const registry = createClusterMetrics({ own: own(), askWorkers: false });
  const text = await registry.metrics();
  assert.deepEqual(registry.lastCollection, { asked: 0, answered: 0 });
  assert.doesNotMatch(text, /test_worker_events_total/);
  assert.match(text, /^bulwark_workers 2$/m);
});
