import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tally } from './tally.js';

test('each user tallies their requests and the seconds they were active and affected in, by intended time', () => {
  const t = new Tally(300);
  const at = (dueMs: number, user: number, status: string, latencyMs: number) =>
    t.record({ dueMs, name: 'x', phase: 'p', user, status, latencyMs, serviceMs: latencyMs });
  const sent = (dueMs: number, user: number, latencyMs: number, serviceMs: number) =>
    t.record({ dueMs, name: 'x', phase: 'p', user, status: '200', latencyMs, serviceMs });
  at(100, 1, '200', 10);
  at(1500, 1, '503', 10); // failed
  at(1900, 1, '200', 400); // slow, same second
  at(2100, 2, '200', 20);
  at(900, 2, '200', 20);
  sent(3200, 3, 450, 40); // slow from its intended time only: the generator sent it 410 ms late
  assert.deepEqual(t.dump().perUser, [
    { user: 1, requests: 3, bad: 2, activeS: [0, 1], affectedS: [1], affectedServedS: [1] },
    { user: 2, requests: 2, bad: 0, activeS: [0, 2], affectedS: [], affectedServedS: [] },
    { user: 3, requests: 1, bad: 1, activeS: [3], affectedS: [3], affectedServedS: [] },
  ]);
  const s3 = t.dump().slices[3];
  assert.equal(s3?.slow, 1);
  assert.equal(s3?.slowServed, 0);
});
