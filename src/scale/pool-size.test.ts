import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poolSizePerWorker } from './pool-size.js';

test('the default budget is 2 × DB cores + 1 connections divided among the workers', () => {
  assert.equal(poolSizePerWorker({ configured: 0, dbCores: 2, workers: 1 }), 5);
  assert.equal(poolSizePerWorker({ configured: 0, dbCores: 2, workers: 2 }), 3);
  assert.equal(poolSizePerWorker({ configured: 0, dbCores: 8, workers: 4 }), 5);
});

test('every worker keeps at least two connections however many workers share the budget', () => {
  assert.equal(poolSizePerWorker({ configured: 0, dbCores: 2, workers: 16 }), 2);
});

test('a configured pool size is used as given', () => {
  assert.equal(poolSizePerWorker({ configured: 7, dbCores: 2, workers: 2 }), 7);
});
