import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Slice, UserTimeline } from './result-types.js';
import { impairedBetween, secondsInto, usersBetween } from './windows.js';

const user = (
  id: number,
  activeS: number[],
  affectedS: number[] = [],
  affectedServedS = affectedS,
): UserTimeline => ({
  user: id,
  requests: activeS.length,
  bad: affectedS.length,
  activeS,
  affectedS,
  affectedServedS,
});

const slice = (t: number, ok: number, slow: number, failed: number, slowServed = slow): Slice => ({
  t,
  targetRate: 10,
  intended: ok + failed,
  sent: ok + failed,
  late: 0,
  ok,
  slow,
  slowServed,
  byStatus: { ...(ok > 0 ? { '200': ok } : {}), ...(failed > 0 ? { '503': failed } : {}) },
  p50: 1,
  p90: 1,
  p99: 1,
  max: 1,
  users: { active: 0, affected: 0, share: 0 },
});

test('a user hurt in several seconds of a window counts once, and users outside the window not at all', () => {
  const perUser = [
    user(0, [1, 2, 3, 4], [2, 3]),
    user(1, [2, 3], []),
    user(2, [8, 9], [9]),
    user(3, [0], [0]),
  ];
  assert.deepEqual(usersBetween({ perUser }, 1, 5), { active: 2, affected: 1, share: 0.5 });
  assert.deepEqual(usersBetween({ perUser }, 0, 10), { active: 4, affected: 3, share: 0.75 });
  assert.deepEqual(usersBetween({ perUser }, 20, 30), { active: 0, affected: 0, share: 0 });
});

test('a second at the edge of a window counts whole, as the incident counts its buckets', () => {
  const perUser = [user(0, [4], [4]), user(1, [7], [7])];
  // [4.5, 7.2) overlaps seconds 4 and 7
  assert.deepEqual(usersBetween({ perUser }, 4.5, 7.2), { active: 2, affected: 2, share: 1 });
  // [5, 7) overlaps neither
  assert.deepEqual(usersBetween({ perUser }, 5, 7), { active: 0, affected: 0, share: 0 });
});

test('the impaired span runs from the first to the end of the last second with the share of bad requests reached', () => {
  const timeline = [
    slice(0, 10, 0, 0),
    slice(1, 10, 1, 0), // 10% bad: not impaired
    slice(2, 8, 0, 2), // 20%: impaired
    slice(3, 10, 0, 0),
    slice(4, 6, 2, 4), // 2 slow + 4 failed of 10
    slice(5, 10, 0, 0),
  ];
  assert.deepEqual(impairedBetween({ timeline }, 0, 6, 0.2), { startS: 2, endS: 5, seconds: 2 });
  assert.deepEqual(impairedBetween({ timeline }, 3, 6, 0.2), { startS: 4, endS: 5, seconds: 1 });
  assert.equal(impairedBetween({ timeline }, 0, 6, 0.7), null);
  assert.equal(
    impairedBetween({ timeline: [slice(0, 0, 0, 0)] }, 0, 1, 0.2),
    null,
    'an empty second is not impaired',
  );
});

test('an instant maps to the seconds of the run from its start', () => {
  const startedAt = '2026-01-01T00:00:00.000Z';
  assert.equal(secondsInto({ startedAt }, Date.parse(startedAt) + 12_500), 12.5);
});

test('counted from the send, a request the generator sent late is slow only for the time the service took', () => {
  // user 0 waited past the objective only because the generator sent late; user 1 because the service was slow
  const perUser = [user(0, [3], [3], []), user(1, [3], [3], [3]), user(2, [3])];
  assert.deepEqual(usersBetween({ perUser }, 0, 10), { active: 3, affected: 2, share: 2 / 3 });
  assert.deepEqual(usersBetween({ perUser }, 0, 10, 'served'), { active: 3, affected: 1, share: 1 / 3 });
  const timeline = [slice(0, 10, 3, 0, 1)];
  assert.deepEqual(impairedBetween({ timeline }, 0, 1, 0.2), { startS: 0, endS: 1, seconds: 1 });
  assert.equal(impairedBetween({ timeline }, 0, 1, 0.2, 'served'), null);
});
