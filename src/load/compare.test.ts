import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSamples, type RunSample } from './compare.js';

const run = (p50: number, p99: number, goodput = 100): RunSample => ({
  p50,
  p95: p99 * 0.8,
  p99,
  goodput,
  errorRate: 0,
  usersAffected: 0,
});

test('five runs clearly twice as slow give the verdict slower, with the ratio of the medians', () => {
  const baseline = [run(10, 50), run(11, 52), run(9, 49), run(10.5, 51), run(10.2, 50.5)];
  const candidate = [run(20, 100), run(21, 103), run(19, 98), run(22, 101), run(20.5, 99)];
  const c = compareSamples(baseline, candidate);
  assert.equal(c.verdict, 'slower');
  const p50 = c.metrics.find((m) => m.metric === 'p50');
  assert.equal(p50?.verdict, 'worse');
  assert.equal(p50?.baselineMedian, 10.2);
  assert.equal(p50?.candidateMedian, 20.5);
  assert.ok(Math.abs((p50?.ratio ?? 0) - 20.5 / 10.2) < 1e-9);
  assert.equal(p50?.test.effect, 1);
  assert.deepEqual(c.notes, []);
});

test('overlapping runs give no verdict, and three against three says why it cannot', () => {
  const c = compareSamples(
    [run(10, 50), run(12, 60), run(11, 55)],
    [run(11.5, 58), run(10.5, 52), run(12.5, 61)],
  );
  assert.equal(c.verdict, 'no significant change');
  assert.equal(c.notes.length, 1);
  assert.match(c.notes[0] as string, /3 against 3 never can/);
  const strong = compareSamples(
    [run(10, 50), run(10, 50), run(10, 50)],
    [run(30, 150), run(31, 151), run(32, 152)],
  );
  assert.equal(strong.verdict, 'no significant change');
});

test('a significantly faster candidate is called faster', () => {
  const baseline = [run(20, 100), run(21, 103), run(19, 98), run(22, 101), run(20.5, 99)];
  const candidate = [run(10, 50), run(11, 52), run(9, 49), run(10.5, 51), run(10.2, 50.5)];
  assert.equal(compareSamples(baseline, candidate).verdict, 'faster');
});
