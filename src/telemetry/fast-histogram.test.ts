import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { FastHistogram } from './fast-histogram.js';

const buckets = [0.005, 0.01, 0.1, 1];
const values = [0.001, 0.005, 0.0051, 0.02, 0.5, 1, 3, 0];

/** The same observations into prom-client's Histogram and a FastHistogram, each in its own registry. */
function pair(
  labelNames: string[],
  observe: (h: { observe(labels: Record<string, string | number>, v: number): void }) => void,
) {
  const theirs = new Registry();
  const ours = new Registry();
  const reference = new Histogram({
    name: 'h_seconds',
    help: 'A histogram.',
    labelNames,
    buckets,
    registers: [theirs],
  });
  const fast = new FastHistogram({
    name: 'h_seconds',
    help: 'A histogram.',
    labelNames,
    buckets,
    registers: [ours],
  });
  observe({ observe: (labels, v) => reference.observe(labels, v) });
  observe({ observe: (labels, v) => fast.series(labels).observe(v) });
  return { theirs, ours };
}

test("a FastHistogram's exposition is prom-client's, byte for byte, with and without labels", async () => {
  const labelled = pair(['route', 'status'], (h) => {
    for (const v of values) h.observe({ route: '/api/tags', status: 200 }, v);
    h.observe({ route: '/api/articles', status: 503 }, 0.2);
  });
  assert.equal(await labelled.ours.metrics(), await labelled.theirs.metrics());
  const plain = pair([], (h) => {
    for (const v of values) h.observe({}, v);
  });
  assert.equal(await plain.ours.metrics(), await plain.theirs.metrics());
  // Before any observation: an unlabelled histogram shows its zero series, a labelled one nothing.
  const empty = pair([], () => {});
  assert.equal(await empty.ours.metrics(), await empty.theirs.metrics());
  const emptyLabelled = pair(['route'], () => {});
  assert.equal(await emptyLabelled.ours.metrics(), await emptyLabelled.theirs.metrics());
});

test("workers' FastHistograms aggregate in the supervisor as prom-client histograms do", async () => {
  const a = pair(['route'], (h) => h.observe({ route: '/a' }, 0.003));
  const b = pair(['route'], (h) => {
    h.observe({ route: '/a' }, 0.3);
    h.observe({ route: '/b' }, 2);
  });
  const ours = AggregatorRegistry.aggregate([
    await a.ours.getMetricsAsJSON(),
    await b.ours.getMetricsAsJSON(),
  ]);
  const theirs = AggregatorRegistry.aggregate([
    await a.theirs.getMetricsAsJSON(),
    await b.theirs.getMetricsAsJSON(),
  ]);
  assert.equal(await ours.metrics(), await theirs.metrics());
});

test('a series refuses labels the histogram was not declared with', () => {
  const h = new FastHistogram({
    name: 'x_seconds',
    help: 'x',
    labelNames: ['route'],
    buckets,
    registers: [],
  });
  assert.throws(() => h.series({ route: '/a', user: 'u1' }), /takes the labels route/);
  assert.throws(() => h.series({}), /takes the labels route/);
});
