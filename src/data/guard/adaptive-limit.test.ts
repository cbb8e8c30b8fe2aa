import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAdaptiveLimit } from './adaptive-limit.js';

/** Feeds `n` samples of `rttMs`, each with the limit fully used, and returns the limits seen. */
function run(limit: ReturnType<typeof createAdaptiveLimit>, n: number, rttMs: number): number[] {
  const seen: number[] = [];
  for (let i = 0; i < n; i++) seen.push(limit.onSample(rttMs, limit.limit, false));
  return seen;
}

test('the limit starts at the pool size and stays there while query times are steady', () => {
  const limit = createAdaptiveLimit({ minLimit: 2, maxLimit: 20 });
  assert.equal(limit.limit, 20);
  run(limit, 200, 4);
  assert.equal(limit.limit, 20);
});

test('the limit shrinks when query times rise under load', () => {
  const limit = createAdaptiveLimit({ minLimit: 2, maxLimit: 20 });
  run(limit, 200, 4);
  const seen = run(limit, 60, 40);
  assert.ok(limit.limit < 10, `limit ${limit.limit} after a tenfold slowdown`);
  // It falls step by step, never jumps back up while the slowdown lasts.
  for (let i = 1; i < seen.length; i++) assert.ok((seen[i] as number) <= (seen[i - 1] as number));
});

test('the limit grows back to the pool size when query times fall again', () => {
  const limit = createAdaptiveLimit({ minLimit: 2, maxLimit: 20 });
  run(limit, 200, 4);
  run(limit, 60, 40);
  const low = limit.limit;
  run(limit, 300, 4);
  assert.ok(low < 20);
  assert.equal(limit.limit, 20);
});

test('samples taken while most of the limit is idle leave the limit unchanged', () => {
  const limit = createAdaptiveLimit({ minLimit: 2, maxLimit: 20 });
  run(limit, 200, 4);
  for (let i = 0; i < 100; i++) limit.onSample(400, 3, false);
  assert.equal(limit.limit, 20);
});

test('a dropped query (statement timeout) cuts the limit multiplicatively, down to the minimum', () => {
  const limit = createAdaptiveLimit({ minLimit: 3, maxLimit: 20 });
  assert.equal(limit.onSample(5, 20, true), 18);
  for (let i = 0; i < 100; i++) limit.onSample(5, 20, true);
  assert.equal(limit.limit, 3);
});

test('the limit stays within [min, max] whatever the samples', () => {
  const limit = createAdaptiveLimit({ minLimit: 3, maxLimit: 12 });
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 5000; i++) {
    const value = limit.onSample(random() * 500, Math.floor(random() * 20), random() < 0.05);
    assert.ok(value >= 3 && value <= 12, `limit ${value} at sample ${i}`);
    assert.equal(value, Math.floor(value));
  }
});

test('a zero query time is floored, so the averages stay finite', () => {
  const limit = createAdaptiveLimit({ minLimit: 2, maxLimit: 10 });
  for (let i = 0; i < 50; i++) limit.onSample(0, 10, false);
  assert.ok(Number.isFinite(limit.longRttMs) && limit.longRttMs > 0);
  assert.equal(limit.limit, 10);
});
