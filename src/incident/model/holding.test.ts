import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdingAlerts } from './holding.js';
import type { StoredAlert } from './types.js';

const alert = (alertname: string, severity: string, status: 'firing' | 'resolved'): StoredAlert => ({
  id: 0,
  incidentId: 1,
  fingerprint: alertname,
  alertname,
  groupKey: 'g',
  status,
  labels: { alertname, severity },
  annotations: {},
  startsAt: '2026-11-29T00:00:00Z',
  endsAt: null,
  fireCount: 1,
  firstSeenAt: '2026-11-29T00:00:00Z',
  lastSeenAt: '2026-11-29T00:00:00Z',
});

test('a page holds the incident, not the warnings or tickets beside it', () => {
  const held = holdingAlerts([
    alert('Page', 'page', 'firing'),
    alert('Warn', 'warning', 'firing'),
    alert('Ticket', 'ticket', 'firing'),
  ]);
  assert.deepEqual(
    held.map((a) => a.alertname),
    ['Page'],
  );
});

test('a slow-burn ticket never holds an incident that a faster alert opened, even one of equal severity', () => {
  const held = holdingAlerts([
    alert('Saturation', 'warning', 'resolved'),
    alert('Ticket', 'ticket', 'firing'),
  ]);
  assert.deepEqual(
    held.map((a) => a.alertname),
    ['Saturation'],
  );
});

test('a ticket holds an incident it opened alone', () => {
  const held = holdingAlerts([alert('Ticket', 'ticket', 'firing')]);
  assert.deepEqual(
    held.map((a) => a.alertname),
    ['Ticket'],
  );
});
