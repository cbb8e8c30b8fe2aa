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
  // 40 workers asking for 10 each would need 400 + 40 control connections of a server allowing 100.
  const perWorker = poolSizePerWorker({ ...base, configured: 10, workers: 40 });
  assert.equal(perWorker, 1);
  assert.ok(40 * (perWorker + 1) <= 100 - 10);
  assert.equal(poolSizePerWorker({ ...base, configured: 50, workers: 2 }), 44);
});
