import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCircuitBreaker } from './circuit-breaker.js';

test('the breaker opens after N consecutive failures and refuses calls until the reset time', () => {
  let t = 0;
  const b = createCircuitBreaker({ failures: 3, resetMs: 1000, now: () => t });
  b.failure();
  b.failure();
  b.success(); // a success in between resets the count
  b.failure();
  b.failure();
  assert.equal(b.allow(), true);
  b.failure();
  assert.equal(b.state, 'open');
  assert.equal(b.allow(), false);
  t = 999;
  assert.equal(b.allow(), false);
});

test('after the reset time one trial call goes out; its success closes, its failure reopens', () => {
  let t = 0;
  const b = createCircuitBreaker({ failures: 1, resetMs: 100, now: () => t });
  b.failure();
  t = 100;
  assert.equal(b.state, 'half-open');
  assert.equal(b.allow(), true);
  assert.equal(b.allow(), false, 'only one trial at a time');
  b.failure();
  assert.equal(b.state, 'open');
  assert.equal(b.allow(), false);
  t = 200;
  assert.equal(b.allow(), true);
  b.success();
  assert.equal(b.state, 'closed');
  assert.equal(b.allow(), true);
  assert.equal(b.allow(), true);
});
