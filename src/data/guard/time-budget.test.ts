import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTimeBudget } from './time-budget.js';

test('a class that spent its database time waits until the bucket refills, at the configured rate', () => {
  const budget = createTimeBudget({ msPerSecond: 500, start: 0 });
  assert.equal(budget.available(0), true);
  budget.charge(800, 0); // one long listing: 300 ms in debt
  assert.equal(budget.available(0), false);
  assert.equal(budget.refillDelay(0), 601); // 300 ms of debt at 0.5 ms per ms, then a little more
  assert.equal(budget.available(600), false);
  assert.equal(budget.available(601), true);
});

test('idle time saves up at most the burst, so a long quiet spell cannot buy a long flood', () => {
  const budget = createTimeBudget({ msPerSecond: 500, burstMs: 500, start: 0 });
  assert.equal(budget.balance(60_000), 500);
  budget.charge(400, 60_000);
  budget.charge(200, 60_000);
  assert.equal(budget.available(60_000), false);
  assert.equal(budget.balance(60_000), -100);
});

test('time going backwards (a clock step) neither refills nor drains the bucket', () => {
  const budget = createTimeBudget({ msPerSecond: 1000, start: 1_000 });
  budget.charge(1000, 1_000);
  assert.equal(budget.balance(500), 0);
  assert.equal(budget.balance(1_000), 0);
  assert.equal(budget.balance(1_250), 250);
});

test('debt is bounded by one burst, so statements that ran long together cannot lock the class out for long', () => {
  const budget = createTimeBudget({ msPerSecond: 200, start: 0 });
  for (let i = 0; i < 4; i++) budget.charge(1_000, 0);
  assert.equal(budget.balance(0), -200);
  assert.equal(budget.refillDelay(0), 1_001);
});

test('a new rate applies from the moment it is set: what accrued before keeps the old rate', () => {
  const budget = createTimeBudget({ msPerSecond: 500, start: 0 });
  budget.charge(1_000, 0); // 500 ms in debt
  budget.setRate(250, 400); // 400 ms at 0.5: 200 back, 300 still owed
  assert.equal(budget.balance(400), -300);
  assert.equal(budget.refillDelay(400), 1_201); // 300 ms at 0.25 ms per ms, then a little more
  budget.setRate(500, 800); // 400 ms at 0.25: 100 back
  assert.equal(budget.balance(800), -200);
  assert.equal(budget.balance(1_200), 0);
  // The burst is the configured one whatever the rate.
  assert.equal(budget.balance(60_000), 500);
});
