import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartBudget } from './restart-budget.js';

test('restarts within the budget happen at once, then back off doubling up to the cap', () => {
  const budget = new RestartBudget({ max: 2, windowMs: 10_000, maxDelayMs: 1_000 });
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6].map((i) => budget.next(i)),
    [0, 0, 250, 500, 1_000, 1_000, 1_000],
  );
});

test('restarts older than the window no longer count against the budget', () => {
  const budget = new RestartBudget({ max: 1, windowMs: 1_000 });
  assert.equal(budget.next(0), 0);
  assert.equal(budget.next(10), 250);
  assert.equal(budget.next(5_000), 0);
});
