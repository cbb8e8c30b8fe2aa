import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSingleFlight } from './single-flight.js';

test('concurrent calls for one key run the function once and all get its value', async () => {
  const flight = createSingleFlight();
  let calls = 0;
  let release!: (v: number) => void;
  const fn = () => {
    calls++;
    return new Promise<number>((resolve) => {
      release = resolve;
    });
  };
  const runs = Array.from({ length: 100 }, () => flight.run('k', fn));
  assert.equal(calls, 1);
  assert.deepEqual(runs.map((r) => r.leader).filter(Boolean), [true]);
  release(42);
  assert.deepEqual(new Set(await Promise.all(runs.map((r) => r.promise))), new Set([42]));
  assert.equal(flight.inFlight, 0);
});

test('every waiter gets the rejection of the one failed call, and the next call runs again', async () => {
  const flight = createSingleFlight();
  let calls = 0;
  const fail = async () => {
    calls++;
    throw new Error('boom');
  };
  const runs = [flight.run('k', fail), flight.run('k', fail)];
  const results = await Promise.allSettled(runs.map((r) => r.promise));
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.equal(calls, 1);
  await flight.run('k', async () => 'ok').promise;
  assert.equal(calls, 1);
  assert.equal(flight.has('k'), false);
});

test('different keys do not share a flight', async () => {
  const flight = createSingleFlight();
  const a = flight.run('a', async () => 'A');
  const b = flight.run('b', async () => 'B');
  assert.equal(a.leader && b.leader, true);
  assert.deepEqual(await Promise.all([a.promise, b.promise]), ['A', 'B']);
});
