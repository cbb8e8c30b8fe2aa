import assert from 'node:assert/strict';
import { test } from 'node:test';
import { updateBaseline } from './baseline.js';
import { emptyWindow } from './diagnosis-input.js';

const window = (queryMean: number, rtt: number) => ({
  ...emptyWindow(),
  durationS: 10,
  requests: 1000,
  requestMs: 5000,
  poolWaitMs: 500,
  queryCalls: 3000,
  queryMs: 3000 * queryMean,
  queries: [
    { id: 'q', text: 'select 1', calls: 3000, totalMs: 3000 * queryMean, meanMs: queryMean, plan: null },
  ],
  dbRoundTripMs: rtt,
});

test('normal follows improvements fast and degradations slowly', () => {
  let b = updateBaseline(null, window(30, 5)); // a cold start
  for (let i = 0; i < 6; i++) b = updateBaseline(b, window(0.5, 0.3));
  assert.ok((b.queries[0]?.meanMs ?? 0) < 1.5, String(b.queries[0]?.meanMs));
  assert.ok((b.dbRoundTripMs ?? 0) < 0.5, String(b.dbRoundTripMs));
  assert.ok(b.queryMs / b.queryCalls < 1.5);
  let d = b;
  for (let i = 0; i < 6; i++) d = updateBaseline(d, window(5, 3));
  assert.ok(
    (d.queries[0]?.meanMs ?? 0) < 3.5,
    `a slow drift moves normal only part of the way: ${d.queries[0]?.meanMs}`,
  );
  assert.ok(d.poolWaitMs / d.requestMs > 0.09 && d.poolWaitMs / d.requestMs < 0.11);
});
