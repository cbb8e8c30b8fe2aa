import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  arrivals,
  compileStages,
  phaseAt,
  phaseWindows,
  rateAt,
  scaleExecutor,
  totalMs,
} from './executors.js';

test('a constant rate yields exactly rate × duration arrivals, evenly spaced', () => {
  const stages = compileStages({ type: 'constant', rate: 200, durationMs: 5000 });
  const times = [...arrivals(stages)];
  assert.equal(times.length, 1000);
  assert.ok(Math.abs((times[1] as number) - (times[0] as number) - 5) < 1e-9);
  assert.ok((times[999] as number) <= 5000);
});

test('a linear ramp yields the integral of its rate, denser at the end', () => {
  const stages = compileStages({
    type: 'ramping',
    startRate: 0,
    stages: [{ durationMs: 10_000, target: 100 }],
  });
  const times = [...arrivals(stages)];
  assert.equal(times.length, 500); // (0 + 100) / 2 × 10 s
  assert.equal(times.filter((t) => t < 5000).length, 125); // a quarter of the area lies in the first half
});

test('the spike executor compiles to baseline, spike and recovery phases with the rates given', () => {
  const ex = {
    type: 'spike' as const,
    baseline: 10,
    peak: 50,
    baselineMs: 10_000,
    riseMs: 2000,
    holdMs: 10_000,
    fallMs: 2000,
    recoveryMs: 6000,
  };
  const stages = compileStages(ex);
  assert.equal(totalMs(stages), 30_000);
  assert.equal(rateAt(stages, 5000), 10);
  assert.equal(rateAt(stages, 11_000), 30);
  assert.equal(rateAt(stages, 15_000), 50);
  assert.equal(phaseAt(stages, 25_000), 'recovery');
  assert.deepEqual(phaseWindows(stages), [
    { phase: 'baseline', fromMs: 0, toMs: 10_000 },
    { phase: 'spike', fromMs: 10_000, toMs: 24_000 },
    { phase: 'recovery', fromMs: 24_000, toMs: 30_000 },
  ]);
  const n = [...arrivals(stages)].length;
  assert.equal(n, 100 + 60 + 500 + 60 + 60);
  assert.equal(totalMs(compileStages(scaleExecutor(ex, 0.2))), 6000);
});

test('arrivals can be split by a divisor (journeys of several requests)', () => {
  const stages = compileStages({ type: 'constant', rate: 300, durationMs: 2000 });
  assert.equal([...arrivals(stages, 3)].length, 200);
});
