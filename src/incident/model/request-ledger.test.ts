import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impactOver } from './impact.js';
import { RequestLedger } from './request-ledger.js';

test('users affected over a window are distinct users with a failed or over-objective request', () => {
  const ledger = new RequestLedger({ bucketMs: 1_000, latencyObjectiveMs: 300 });
  const t0 = 1_000_000;
  // u1 fails twice in two buckets, u2 is slow once, u3 is fine, u4 gets 429, u5 only 404 (not failure).
  ledger.record({ atMs: t0 + 100, user: 'u1', status: 503, durationMs: 5 });
  ledger.record({ atMs: t0 + 1_100, user: 'u1', status: 500, durationMs: 5 });
  ledger.record({ atMs: t0 + 1_200, user: 'u2', status: 200, durationMs: 301 });
  ledger.record({ atMs: t0 + 1_300, user: 'u3', status: 200, durationMs: 300 });
  ledger.record({ atMs: t0 + 2_500, user: 'u4', status: 429, durationMs: 1 });
  ledger.record({ atMs: t0 + 2_600, user: 'u5', status: 404, durationMs: 1 });
  ledger.record({ atMs: t0 + 9_000, user: 'u6', status: 503, durationMs: 1 });

  const impact = impactOver(ledger, t0, t0 + 3_000);
  assert.deepEqual(impact, {
    from: new Date(t0).toISOString(),
    to: new Date(t0 + 3_000).toISOString(),
    durationMs: 3_000,
    requests: 6,
    requestsFailed: 3,
    requestsSlow: 1,
    activeUsers: 5,
    affectedUsers: 3,
    affectedShare: 3 / 5,
  });
  assert.equal(ledger.countsBetween(t0, t0 + 3_000).firstBadAtMs, t0 + 100);
  assert.equal(ledger.countsBetween(t0, t0 + 3_000).lastBadAtMs, t0 + 2_500);
});

test('a window with no traffic has no impact and no share', () => {
  const ledger = new RequestLedger({ latencyObjectiveMs: 300 });
  assert.equal(impactOver(ledger, 0, 60_000).affectedShare, 0);
});

test('buckets older than the retention are dropped', () => {
  const ledger = new RequestLedger({ bucketMs: 1_000, retentionMs: 10_000, latencyObjectiveMs: 300 });
  ledger.record({ atMs: 1_000, user: 'old', status: 500, durationMs: 1 });
  ledger.record({ atMs: 50_000, user: 'new', status: 200, durationMs: 1 });
  assert.equal(ledger.countsBetween(0, 100_000).activeUsers, 1);
});

test('the impaired span runs from the first to the last second with enough failed or slow requests', () => {
  const ledger = new RequestLedger({ bucketMs: 1_000, latencyObjectiveMs: 300 });
  const t0 = 5_000_000;
  const second = (s: number, bad: number, good: number) => {
    for (let i = 0; i < bad; i++)
      ledger.record({ atMs: t0 + s * 1_000 + i, user: `b${i}`, status: 503, durationMs: 1 });
    for (let i = 0; i < good; i++)
      ledger.record({ atMs: t0 + s * 1_000 + i, user: `g${i}`, status: 200, durationMs: 1 });
  };
  second(0, 1, 99); // noise: 1% bad
  second(2, 5, 5);
  second(3, 9, 1);
  second(5, 3, 7);
  second(8, 1, 19); // 5% bad: below the bar
  assert.deepEqual(ledger.impairedBetween(t0, t0 + 10_000, 0.2), { startMs: t0 + 2_000, endMs: t0 + 6_000 });
  assert.deepEqual(ledger.impairedBetween(t0, t0 + 10_000, 0.6), { startMs: t0 + 3_000, endMs: t0 + 4_000 });
  assert.equal(ledger.impairedBetween(t0 + 6_000, t0 + 8_000, 0.2), null);
});
