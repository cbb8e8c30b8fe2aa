import assert from 'node:assert/strict';
import { test } from 'node:test';
import { moreSevere, severityFromImpact, severityFromLabels } from './severity.js';
import { checkTransition } from './status.js';

test('an alert labelled page opens a SEV2, critical a SEV1, ticket a SEV3, and an explicit label wins', () => {
  assert.equal(severityFromLabels({ severity: 'page' }), 'SEV2');
  assert.equal(severityFromLabels({ severity: 'critical' }), 'SEV1');
  assert.equal(severityFromLabels({ severity: 'ticket' }), 'SEV3');
  assert.equal(severityFromLabels({}), 'SEV4');
  assert.equal(severityFromLabels({ severity: 'ticket', incident_severity: 'sev1' }), 'SEV1');
});

test('impact maps to severity by the share of users affected, and the more severe one is kept', () => {
  assert.equal(severityFromImpact(0.6), 'SEV1');
  assert.equal(severityFromImpact(0.3), 'SEV2');
  assert.equal(severityFromImpact(0.01), 'SEV3');
  assert.equal(severityFromImpact(0), 'SEV4');
  assert.equal(moreSevere('SEV3', 'SEV1'), 'SEV1');
  assert.equal(moreSevere('SEV2', 'SEV4'), 'SEV2');
});

test('status moves forward, may step back to investigating, and never leaves resolved', () => {
  assert.deepEqual(checkTransition('investigating', 'identified'), { ok: true });
  assert.deepEqual(checkTransition('investigating', 'resolved'), { ok: true });
  assert.deepEqual(checkTransition('monitoring', 'investigating'), { ok: true });
  assert.deepEqual(checkTransition('identified', 'identified'), {
    ok: false,
    reason: 'the incident is already identified',
  });
  assert.deepEqual(checkTransition('resolved', 'investigating'), {
    ok: false,
    reason: 'the incident is resolved; a new problem opens a new incident',
  });
});
