import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poolSizePerWorker } from './pool-size.js';

const base = { configured: 0, dbCores: 2, workers: 1, maxConnections: 100, reserve: 10 };

test('the default budget is 2 × DB cores + 1 connections divided among the workers', () => {
  assert.equal(poolSizePerWorker(base), 5);
  assert.equal(poolSizePerWorker({ ...base, workers: 2 }), 3);
  assert.equal(poolSizePerWorker({ ...base, dbCores: 8, workers: 4 }), 5);
});

test('every worker keeps at least two connections however many workers share the budget', () => {
  assert.equal(poolSizePerWorker({ ...base, workers: 16 }), 2);
});

test('a configured pool size is used as given while it fits the server budget', () => {
  assert.equal(poolSizePerWorker({ ...base, configured: 7, workers: 2 }), 7);
});

test('more workers never take the total past max_connections minus the reserve', () => {
  // 20 workers asking for 10 each would need 200 + 40 control connections of a server allowing 100.
  const perWorker = poolSizePerWorker({ ...base, configured: 10, workers: 20 });
  assert.equal(perWorker, 2);
  assert.ok(20 * (perWorker + 2) <= 100 - 10);
  assert.equal(poolSizePerWorker({ ...base, configured: 50, workers: 2 }), 43);
});

test('workers that cannot each get one connection and their control connections stop start-up with a reason', () => {
  assert.throws(() => poolSizePerWorker({ ...base, workers: 31 }), {
    code: 'CONFIG_ERR_INVALID',
    message: /31 workers need at least 93 connections, but the database allows 90 .*use at most 30 workers/,
  });
});
