import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mannWhitney } from './mann-whitney.js';

test('completely separated samples of five and five give the exact two-sided p of 2/252', () => {
  const r = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.equal(r.u, 0);
  assert.equal(r.exact, true);
  assert.ok(Math.abs(r.p - 2 / 252) < 1e-12, String(r.p));
  assert.equal(r.effect, -1);
});

test('three runs against three can never reach p < 0.05: the smallest two-sided p is 0.1', () => {
  assert.ok(Math.abs(mannWhitney([1, 2, 3], [4, 5, 6]).p - 0.1) < 1e-12);
});

test('interleaved samples show no difference, and ties fall back to the normal approximation', () => {
  const same = mannWhitney([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]);
  assert.ok(same.p > 0.5, String(same.p));
  const tied = mannWhitney([1, 1, 2, 2, 3], [1, 2, 2, 3, 3]);
  assert.equal(tied.exact, false);
  assert.ok(tied.p > 0.3 && tied.p <= 1, String(tied.p));
});
