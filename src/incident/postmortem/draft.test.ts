import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimelineEvent } from '../model/types.js';
import { namedSuspects } from './draft.js';

const diagnosis = (at: string, suspects: object[]): TimelineEvent => ({
  id: 0,
  incidentId: 1,
  at,
  source: 'diagnosis',
  kind: 'diagnosis.changed',
  summary: '',
  data: { suspects, healthy: [] },
  recordedAt: at,
});

test('the cause is the most confident suspect, with evidence gathered from all its sightings', () => {
  const query = (confidence: number, evidence: string[]) => ({
    component: 'db.query',
    target: 'q1',
    confidence,
    summary: `query slower (${confidence})`,
    evidence,
  });
  const named = namedSuspects([
    diagnosis('2026-01-01T10:00:01Z', [
      query(0.5, ['`select …` mean 3 → 20 ms', 'pool 6/6 busy, 12 waiting']),
    ]),
    diagnosis('2026-01-01T10:00:02Z', [
      { component: 'worker.cpu', confidence: 0.45, summary: 'cpu', evidence: ['loop'] },
    ]),
    diagnosis('2026-01-01T10:00:03Z', [
      query(0.87, ['`select …` mean 3 → 57 ms', 'plan: Seq Scan on articles']),
    ]),
  ]);
  assert.deepEqual(
    named.map((n) => [n.suspect.component, n.suspect.confidence]),
    [
      ['db.query', 0.87],
      ['worker.cpu', 0.45],
    ],
  );
  assert.deepEqual(named[0]?.evidence, [
    '`select …` mean 3 → 57 ms',
    'plan: Seq Scan on articles',
    'pool 6/6 busy, 12 waiting',
  ]);
});

test('a suspect named only after the users recovered is not the cause, however confident', () => {
  const named = namedSuspects(
    [
      diagnosis('2026-01-01T10:00:05Z', [
        { component: 'db.query', target: 'q1', confidence: 0.82, summary: 'query slower', evidence: ['q'] },
      ]),
      // after the fix: the window still holds the fault's queue, no longer its slow statements
      diagnosis('2026-01-01T10:01:09Z', [
        { component: 'db.pool', confidence: 0.9, summary: 'waiting for a connection', evidence: ['p'] },
      ]),
    ],
    '2026-01-01T10:01:01Z',
  );
  assert.deepEqual(
    named.map((n) => [n.suspect.component, n.suspect.confidence]),
    [
      ['db.query', 0.82],
      ['db.pool', 0.9],
    ],
  );
});
