import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDate, isOverdue, nextDue } from './due-dates.js';

test('a recurring item is due again a week, month, quarter or year later, clamped to the month end', () => {
  assert.equal(nextDue('2026-01-31', 'monthly'), '2026-02-28');
  assert.equal(nextDue('2026-11-30', 'quarterly'), '2027-02-28');
  assert.equal(nextDue('2026-03-31', 'quarterly'), '2026-06-30');
  assert.equal(nextDue('2026-12-29', 'weekly'), '2027-01-05');
  assert.equal(nextDue('2028-02-29', 'yearly'), '2029-02-28');
});

test('only real calendar dates are accepted', () => {
  assert.equal(isDate('2026-02-28'), true);
  assert.equal(isDate('2026-02-30'), false);
  assert.equal(isDate('2026-2-3'), false);
  assert.equal(isDate('tomorrow'), false);
});

test('an open item is overdue the day after its due date; a done one never', () => {
  const now = Date.parse('2026-05-10T12:00:00Z');
  assert.equal(isOverdue({ status: 'open', dueDate: '2026-05-10' }, now), false);
  assert.equal(isOverdue({ status: 'in-progress', dueDate: '2026-05-09' }, now), true);
  assert.equal(isOverdue({ status: 'done', dueDate: '2026-01-01' }, now), false);
});
