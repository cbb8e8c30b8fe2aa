import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueLevels, type EscalationPolicy, ownerOf, targetsOf } from './escalation.js';

const policy: EscalationPolicy = {
  levels: [
    { afterMinutes: 0, targets: ['owner'] },
    { afterMinutes: 15, targets: ['owner', 'application'] },
    { afterMinutes: 30, targets: ['engineering-lead'] },
  ],
  owners: { 'db.*': 'database', 'db.pool': 'platform', dependency: 'platform', '*': 'application' },
  defaultTeam: 'application',
};

test('a database suspect is owned by the database team, an exact pattern beats a wildcard', () => {
  assert.equal(ownerOf(policy, 'db.query'), 'database');
  assert.equal(ownerOf(policy, 'db.lock'), 'database');
  assert.equal(ownerOf(policy, 'db.pool'), 'platform');
  assert.equal(ownerOf(policy, 'worker.cpu'), 'application');
  assert.equal(ownerOf(policy, undefined), 'application');
});

test('levels fall due by time since opening, each once', () => {
  const t0 = Date.parse('2026-01-01T10:00:00Z');
  assert.deepEqual(
    dueLevels(policy, t0, t0, 0).map((d) => d.index),
    [0],
  );
  assert.deepEqual(
    dueLevels(policy, t0, t0 + 16 * 60_000, 1).map((d) => d.index),
    [1],
  );
  assert.deepEqual(
    dueLevels(policy, t0, t0 + 31 * 60_000, 1).map((d) => d.index),
    [1, 2],
  );
  assert.deepEqual(dueLevels(policy, t0, t0 + 31 * 60_000, 3), []);
});

test('a level names the owning team in place of owner, once', () => {
  assert.deepEqual(targetsOf({ afterMinutes: 15, targets: ['owner', 'database'] }, 'database'), ['database']);
  assert.deepEqual(targetsOf({ afterMinutes: 0, targets: ['owner', 'application'] }, 'platform'), [
    'platform',
    'application',
  ]);
});
