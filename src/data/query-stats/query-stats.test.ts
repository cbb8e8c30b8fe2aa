import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprint } from './fingerprint.js';
import { createQueryStats, OTHER_ID } from './query-stats.js';

const manualClock = (start = 1_000_000) => {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
};

const within = (actual: number, expected: number, relative = 1 / 32) =>
  assert.ok(Math.abs(actual - expected) <= expected * relative, `${actual} is not within ${expected}`);

const BY_AUTHOR = 'SELECT id FROM articles WHERE author_id = $1 ORDER BY created_at DESC LIMIT 20';

test('calls, errors by code, rows, time and pool wait add up per fingerprint', () => {
  const stats = createQueryStats({ clock: manualClock() });
  stats.record({ text: BY_AUTHOR, durationMs: 2, poolWaitMs: 1, rows: 20 });
  stats.record({ text: BY_AUTHOR.toLowerCase(), durationMs: 4, poolWaitMs: 3, rows: 5 });
  stats.record({ text: BY_AUTHOR, durationMs: 6, rows: 0, errorCode: '57014' });
  stats.record({ text: BY_AUTHOR, poolWaitMs: 50, errorCode: 'DATA_ERR_OVERLOADED' });
  const [q] = stats.top(1);
  assert.ok(q);
  assert.equal(q.id, fingerprint(BY_AUTHOR).id);
  assert.equal(q.total.calls, 4);
  assert.equal(q.total.errors, 2);
  assert.deepEqual(q.total.errorsByCode, { '57014': 1, DATA_ERR_OVERLOADED: 1 });
  assert.equal(q.total.rows, 25);
  // The rejected call never ran: it has a wait but no execution time.
  assert.equal(q.total.time.count, 3);
  assert.equal(q.total.time.totalMs, 12);
  assert.equal(q.total.time.meanMs, 4);
  assert.equal(q.total.time.maxMs, 6);
  assert.equal(q.total.poolWait.count, 3);
  assert.equal(q.total.poolWait.totalMs, 54);
  assert.deepEqual(q.recent.calls, 4);
  assert.equal(q.baseline, null);
});

test('percentiles are within the histogram precision', () => {
  const stats = createQueryStats({ clock: manualClock() });
  for (let i = 1; i <= 1000; i++) stats.record({ text: BY_AUTHOR, durationMs: i / 10, rows: 1 });
  const [q] = stats.top(1);
  within(q?.total.time.p50Ms ?? 0, 50);
  within(q?.total.time.p95Ms ?? 0, 95);
  within(q?.total.time.p99Ms ?? 0, 99);
  assert.equal(q?.total.time.maxMs, 100);
});

test('the recent window shows the slow-down and the baseline remembers the minute before it', () => {
  const clock = manualClock(0);
  const stats = createQueryStats({ clock });
  // Two minutes of fast queries at 40 calls/s…
  for (let s = 0; s < 120; s++) {
    for (let i = 0; i < 40; i++) stats.record({ text: BY_AUTHOR, durationMs: 0.4, rows: 20 });
    clock.advance(1000);
  }
  // …then a minute of slow ones at the same rate.
  for (let s = 0; s < 60; s++) {
    for (let i = 0; i < 40; i++) stats.record({ text: BY_AUTHOR, durationMs: 180, rows: 20 });
    clock.advance(1000);
  }
  clock.advance(-1); // the last instant of the last bucket that holds slow calls
  const [q] = stats.top(1);
  assert.ok(q?.baseline);
  within(q.recent.time.p50Ms, 180);
  within(q.baseline.time.p50Ms, 0.4);
  within(q.recent.rate, 40, 0.01);
  within(q.baseline.rate, 40, 0.01);
  within(q.total.time.p50Ms, 0.4); // two thirds of all calls were fast
  assert.equal(q.recent.calls, 2400);
});

test('a bucket older than the window leaves the recent numbers and decays in the baseline', () => {
  const clock = manualClock(0);
  const stats = createQueryStats({ clock, bucketMs: 10_000, windowBuckets: 6, baselineHalfLifeMs: 10_000 });
  for (let i = 0; i < 100; i++) stats.record({ text: BY_AUTHOR, durationMs: 1 });
  clock.advance(60_000);
  let [q] = stats.top(1);
  assert.equal(q?.recent.calls, 0);
  assert.equal(q?.baseline?.calls, 100);
  assert.equal(q?.total.calls, 100);
  clock.advance(10_000); // one half-life later
  [q] = stats.top(1);
  assert.equal(q?.baseline?.calls, 50);
  within(q?.baseline?.time.p50Ms ?? 0, 1);
});

test('past maxFingerprints new shapes go to one other entry and memory stops growing', () => {
  const clock = manualClock();
  const stats = createQueryStats({ clock, maxFingerprints: 10 });
  for (let i = 0; i < 1000; i++) stats.record({ text: `SELECT c${i} FROM t`, durationMs: 1 });
  const snap = stats.snapshot();
  assert.equal(snap.fingerprints, 10);
  assert.equal(snap.queries.length, 11);
  assert.equal(snap.overflowCalls, 990);
  const other = snap.queries.find((q) => q.id === OTHER_ID);
  assert.equal(other?.total.calls, 990);
  // Literals do not make new shapes: still ten named entries after many values.
  for (let i = 0; i < 1000; i++) stats.record({ text: `SELECT c0 FROM t WHERE v = ${i}`, durationMs: 1 });
  assert.equal(stats.snapshot().fingerprints, 10);
});

test('a fingerprint idle for long gives its place to a new one', () => {
  const clock = manualClock();
  const stats = createQueryStats({ clock, maxFingerprints: 2, idleEvictMs: 60_000 });
  stats.record({ text: 'SELECT a FROM t', durationMs: 1 });
  stats.record({ text: 'SELECT b FROM t', durationMs: 1 });
  clock.advance(30_000);
  stats.record({ text: 'SELECT b FROM t', durationMs: 1 });
  clock.advance(40_000);
  stats.record({ text: 'SELECT c FROM t', durationMs: 1 });
  const texts = stats.snapshot().queries.map((q) => q.text);
  assert.deepEqual(texts.sort(), ['select b from t', 'select c from t']);
});

test('the snapshot ranks by time spent in the recent window, or since start when asked', () => {
  const clock = manualClock(0);
  const stats = createQueryStats({ clock });
  for (let i = 0; i < 1000; i++) stats.record({ text: 'SELECT old FROM t', durationMs: 10 });
  clock.advance(120_000);
  stats.record({ text: 'SELECT new FROM t', durationMs: 5 });
  assert.deepEqual(
    stats.top(2).map((q) => q.text),
    ['select new from t', 'select old from t'],
  );
  assert.deepEqual(
    stats.top(2, 'total').map((q) => q.text),
    ['select old from t', 'select new from t'],
  );
});

test('a pool wait reported apart counts no call', () => {
  const stats = createQueryStats({ clock: manualClock() });
  stats.recordPoolWait(BY_AUTHOR, 12);
  const [q] = stats.top(1);
  assert.equal(q?.total.calls, 0);
  assert.equal(q?.total.poolWait.count, 1);
  assert.equal(q?.total.poolWait.maxMs, 12);
});

test('a plan attached to a fingerprint is in its snapshot, and the snapshot is plain JSON', () => {
  const stats = createQueryStats({ clock: manualClock() });
  const fp = stats.record({ text: BY_AUTHOR, durationMs: 300 });
  stats.attachPlan(fp.id, {
    capturedAt: 1,
    durationMs: 300,
    top: { nodeType: 'Limit' },
    totalCost: 2000,
    estimatedRows: 20,
    seqScans: [{ relation: 'articles', estimatedRows: 100_000 }],
    indexes: [],
  });
  const snap = stats.snapshot();
  assert.equal(snap.queries[0]?.plan?.seqScans[0]?.relation, 'articles');
  assert.deepEqual(JSON.parse(JSON.stringify(snap)), snap);
});
