import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCircuitBreaker } from './circuit-breaker.js';

test('the circuit opens on the threshold-th consecutive failure and reports it once', () => {
  const breaker = createCircuitBreaker(3);
  assert.deepEqual([breaker.recordFailure(), breaker.recordFailure()], [false, false]);
  assert.equal(breaker.state, 'closed');
  assert.equal(breaker.recordFailure(), true);
  assert.equal(breaker.state, 'open');
  assert.equal(breaker.recordFailure(), false);
});

test('a success in between resets the count of consecutive failures', () => {
  const breaker = createCircuitBreaker(2);
  breaker.recordFailure();
  breaker.recordSuccess();
  assert.equal(breaker.recordFailure(), false);
  assert.equal(breaker.state, 'closed');
});

test('a successful probe closes an open circuit', () => {
  const breaker = createCircuitBreaker(1);
  assert.equal(breaker.forceOpen(), true);
  assert.equal(breaker.forceOpen(), false);
  breaker.recordSuccess();
  assert.equal(breaker.state, 'closed');
});
