import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertStateMachine, fingerprintOf } from './alert-state.js';

const labels = { alertname: 'BulwarkDbPoolWaitHigh', severity: 'warning' };
const cond = (active: boolean, note = '') => ({
  labels,
  annotations: { summary: `pool wait ${note}` },
  active,
  forMs: 1000,
});

test('an alert goes pending, fires after its for duration, then resolves once', () => {
  const m = new AlertStateMachine();
  assert.deepEqual(
    m.update(0, [cond(true, 'a')]).map((t) => t.to),
    ['pending'],
  );
  assert.deepEqual(m.update(500, [cond(true, 'b')]), []);
  const fired = m.update(1000, [cond(true, 'c')]);
  assert.deepEqual(
    fired.map((t) => [t.to, t.alert.activeAt, t.alert.firedAt, t.alert.annotations.summary]),
    [['firing', 0, 1000, 'pool wait c']],
  );
  assert.equal(m.firing().length, 1);
  assert.deepEqual(m.update(1500, [cond(true)]), []);
  const resolved = m.update(2000, [cond(false)]);
  assert.deepEqual(
    resolved.map((t) => [t.to, t.alert.resolvedAt, t.alert.fingerprint]),
    [['resolved', 2000, fingerprintOf(labels)]],
  );
  assert.deepEqual(m.update(2500, [cond(false)]), []);
  assert.deepEqual(m.active(), []);
  // a new activation is a new alert with a new activeAt
  const again = m.update(3000, [cond(true)]);
  assert.deepEqual(
    again.map((t) => [t.to, t.alert.activeAt]),
    [['pending', 3000]],
  );
});

test('a pending alert whose condition ends is dropped without a resolved notification', () => {
  const m = new AlertStateMachine();
  m.update(0, [cond(true)]);
  assert.deepEqual(m.update(400, [cond(false)]), []);
  assert.deepEqual(m.active(), []);
});

test('fingerprints depend on the label set only, not on label order', () => {
  assert.equal(fingerprintOf({ a: '1', b: '2' }), fingerprintOf({ b: '2', a: '1' }));
  assert.notEqual(fingerprintOf({ a: '1', b: '2' }), fingerprintOf({ a: '1', b: '3' }));
  assert.match(fingerprintOf(labels), /^[0-9a-f]{16}$/);
});
