import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shouldRefreshEarly } from './xfetch.js';

const base = { expiresAt: 10_000, deltaMs: 100, beta: 1 };

test('far from expiry no draw triggers an early refresh', () => {
  // −ln(1e-9) ≈ 20.7, so a 100 ms computation reaches at most ~2.1 s ahead of expiry.
  assert.equal(shouldRefreshEarly({ ...base, now: 7_000, random: () => 1e-9 }), false);
});

test('close to expiry a low draw refreshes and a high draw does not', () => {
  // 50 ms before expiry: refresh when −100·ln(r) ≥ 50, that is r ≤ e^−0.5 ≈ 0.607.
  assert.equal(shouldRefreshEarly({ ...base, now: 9_950, random: () => 0.6 }), true);
  assert.equal(shouldRefreshEarly({ ...base, now: 9_950, random: () => 0.61 }), false);
});

test('a larger beta refreshes earlier for the same draw', () => {
  const input = { ...base, now: 9_800, random: () => 0.2 }; // −ln(0.2) ≈ 1.609
  assert.equal(shouldRefreshEarly({ ...input, beta: 1 }), false); // 161 ms < 200 ms
  assert.equal(shouldRefreshEarly({ ...input, beta: 2 }), true); // 322 ms ≥ 200 ms
});

test('a draw of zero does not turn into a refresh on every read', () => {
  // It counts as the smallest double: −ln(5e−324) ≈ 744, so at most ~74 s ahead for 100 ms.
  assert.equal(shouldRefreshEarly({ ...base, expiresAt: 100_000, now: 0, random: () => 0 }), false);
});

test('beta zero switches early refresh off', () => {
  assert.equal(shouldRefreshEarly({ ...base, beta: 0, now: 9_999, random: () => 1e-9 }), false);
});
