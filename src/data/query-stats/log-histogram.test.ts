import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketOf, bucketValue, LogHistogram } from './log-histogram.js';

const within = (actual: number, expected: number, relative: number) =>
  assert.ok(
    Math.abs(actual - expected) <= expected * relative,
    `${actual} is not within ${relative * 100}% of ${expected}`,
  );

test('every bucket value falls back into its own bucket and buckets never go backwards', () => {
  let last = -1;
  for (let us = 0; us < 5_000_000; us = Math.floor(us * 1.01) + 1) {
    const b = bucketOf(us);
    assert.ok(b >= last);
    last = b;
    assert.equal(bucketOf(bucketValue(b)), b);
    if (us >= 16) within(bucketValue(b), us, 1 / 16);
  }
});

test('percentiles of a uniform spread are within the histogram precision', () => {
  const h = new LogHistogram();
  for (let i = 1; i <= 10_000; i++) h.recordMs(i / 10); // 0.1 ms … 1000 ms
  within(h.quantileMs(0.5), 500, 1 / 32);
  within(h.quantileMs(0.95), 950, 1 / 32);
  within(h.quantileMs(0.99), 990, 1 / 32);
  assert.equal(h.count, 10_000);
});

test('very small values are exact to the microsecond and huge ones land in the top bucket', () => {
  const h = new LogHistogram();
  h.recordMs(0.007);
  assert.equal(h.quantileMs(1), 0.007);
  const big = new LogHistogram();
  big.recordMs(1e12);
  assert.ok(big.quantileMs(0.5) > 4_000_000);
});

test('a histogram scaled and added keeps its percentiles and weighs its counts', () => {
  const slow = new LogHistogram();
  for (let i = 0; i < 100; i++) slow.recordMs(180);
  const fast = new LogHistogram();
  for (let i = 0; i < 100; i++) fast.recordMs(0.4);
  const mix = new LogHistogram();
  mix.add(fast, 1);
  mix.add(slow, 0.25);
  assert.equal(mix.count, 125);
  within(mix.quantileMs(0.5), 0.4, 1 / 32);
  within(mix.quantileMs(0.99), 180, 1 / 32);
  mix.scale(0.5);
  assert.equal(mix.count, 62.5);
  within(mix.quantileMs(0.5), 0.4, 1 / 32);
});

test('an empty histogram reports zero', () => {
  assert.equal(new LogHistogram().quantileMs(0.99), 0);
});
