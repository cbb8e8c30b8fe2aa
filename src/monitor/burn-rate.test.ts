import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALERT_DEFS, type BurnRateAlertDef } from './alert-rules.js';
import { badRatio, burnRate, evaluateBurnRate, formatDuration } from './burn-rate.js';
import { CounterWindows } from './counter-windows.js';

const page = ALERT_DEFS.find((d) => d.name === 'BulwarkAvailabilityBurnRatePage') as BurnRateAlertDef;
const objectives = { availabilityTarget: 0.999, latencyTarget: 0.99, timeScale: 1, minRequests: 100 };
const MIN = 60_000;

test('burn rate is the bad ratio over the error budget', () => {
  assert.equal(burnRate(0.0144, 0.999).toFixed(3), '14.400');
  assert.equal(badRatio('availability', { requests: 200, errors: 3, slow: 50 }), 0.015);
  assert.equal(badRatio('latency', { requests: 200, errors: 3, slow: 50 }), 0.25);
  assert.equal(badRatio('latency', { requests: 0, errors: 0, slow: 0 }), 0);
});

test('the page fires only when both the hour and the last five minutes burn over 14.4x', () => {
  const w = new CounterWindows({ bucketMs: 30_000, retainMs: 7 * 60 * MIN });
  // 55 healthy minutes at 100 req/min, then 5 minutes at 3% errors: the 1 h ratio is 0.25%
  for (let m = 0; m < 55; m++) w.add(m * MIN, { requests: 100, errors: 0, slow: 0 });
  for (let m = 55; m < 60; m++) w.add(m * MIN, { requests: 100, errors: 3, slow: 0 });
  let r = evaluateBurnRate(page, w, 60 * MIN - 1, objectives);
  const fast = r.readings[0];
  assert.ok(fast);
  assert.equal(Math.round(fast.shortBurn), 30);
  assert.equal(Math.round(fast.longBurn * 10) / 10, 2.5);
  assert.equal(r.active, false, 'a short burst alone must not page');

  // 60 more minutes at 2% errors: both windows burn 20x
  for (let m = 60; m < 120; m++) w.add(m * MIN, { requests: 100, errors: 2, slow: 0 });
  r = evaluateBurnRate(page, w, 120 * MIN - 1, objectives);
  assert.equal(r.readings[0]?.burning, true);
  assert.equal(r.active, true);

  // the burst ends: 5 clean minutes reset the short window though the hour still burns
  for (let m = 120; m < 126; m++) w.add(m * MIN, { requests: 100, errors: 0, slow: 0 });
  r = evaluateBurnRate(page, w, 126 * MIN - 1, objectives);
  assert.ok((r.readings[0]?.longBurn ?? 0) >= 14.4);
  assert.equal(r.readings[0]?.shortBurn, 0);
  assert.equal(r.readings[0]?.burning, false);
});

test('too little traffic in the long window never pages, however bad the ratio', () => {
  const w = new CounterWindows({ bucketMs: 30_000, retainMs: 7 * 60 * MIN });
  for (let m = 0; m < 60; m++) w.add(m * MIN, { requests: 1, errors: 1, slow: 0 });
  const r = evaluateBurnRate(page, w, 60 * MIN - 1, objectives);
  assert.equal(r.readings[0]?.longRequests, 60);
  assert.equal(r.active, false);
  const low = evaluateBurnRate(page, w, 60 * MIN - 1, { ...objectives, minRequests: 60 });
  assert.equal(low.active, true);
});

test('a time scale of 60 turns the hour into a minute and five minutes into five seconds', () => {
  const w = new CounterWindows({ bucketMs: 500, retainMs: 10 * MIN });
  for (let s = 0; s < 60; s++) w.add(s * 1000, { requests: 10, errors: 1, slow: 0 });
  const r = evaluateBurnRate(page, w, 60_000 - 1, { ...objectives, timeScale: 60 });
  assert.equal(r.readings[0]?.longMs, 60_000);
  assert.equal(r.readings[0]?.shortMs, 5_000);
  assert.equal(r.readings[0]?.longRequests, 600);
  assert.equal(r.active, true);
});

test('durations print in Prometheus notation', () => {
  assert.equal(formatDuration(3_600_000), '1h');
  assert.equal(formatDuration(259_200_000), '3d');
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(5_000), '5s');
  assert.equal(formatDuration(1_500), '1.5s');
});
