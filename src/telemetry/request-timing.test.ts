import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  breakdownOf,
  currentRequestTiming,
  newRequestTiming,
  runWithRequestTiming,
} from './request-timing.js';

test('work done anywhere inside a request adds to that request, and to no other', async () => {
  const a = newRequestTiming();
  const b = newRequestTiming();
  const work = async (ms: number) => {
    await new Promise((r) => setTimeout(r, 1));
    const t = currentRequestTiming();
    if (t) t.dbMs += ms;
  };
  await Promise.all([runWithRequestTiming(a, () => work(3)), runWithRequestTiming(b, () => work(5))]);
  assert.equal(a.dbMs, 3);
  assert.equal(b.dbMs, 5);
  assert.equal(currentRequestTiming(), undefined);
});

test('own time is what the parts leave, and never negative when parts overlap', () => {
  const t = { poolWaitMs: 2, dbMs: 5, cacheMs: 0.5, outboundMs: 10, queries: 3 };
  assert.deepEqual(breakdownOf(t, 20), {
    totalMs: 20,
    poolWaitMs: 2,
    dbMs: 5,
    cacheMs: 0.5,
    outboundMs: 10,
    ownMs: 2.5,
    queries: 3,
  });
  assert.equal(breakdownOf({ ...t, dbMs: 30 }, 20).ownMs, 0);
});
