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

test('the cause is the suspect on top longest and most confidently while users were hurt, not a one-tick spike at either edge', () => {
  const pool = (confidence: number) => ({
    component: 'db.pool',
    confidence,
    summary: 'waiting for a connection',
    evidence: ['pool 6/6 busy, 4 waiting'],
  });
  const query = (confidence: number) => ({
    component: 'db.query',
    target: 'q1',
    confidence,
    summary: 'query slower',
    evidence: ['`select …` mean 1 → 12 ms'],
  });
  const named = namedSuspects(
    [
      diagnosis('2026-01-01T09:59:00Z', [
        { component: 'db.network', confidence: 0.3, summary: 'rtt', evidence: [] },
      ]),
      diagnosis('2026-01-01T09:59:01Z', []),
      // the onset: the queue forms at once, the statement's 10 s mean has barely moved
      diagnosis('2026-01-01T10:00:01Z', [pool(0.75)]),
      diagnosis('2026-01-01T10:00:02Z', [query(0.2)]),
      diagnosis('2026-01-01T10:00:05Z', [query(0.7)]),
      diagnosis('2026-01-01T10:00:30Z', [
        { component: 'worker.cpu', confidence: 0.4, summary: 'cpu', evidence: [] },
      ]),
      diagnosis('2026-01-01T10:00:40Z', [query(0.72)]),
      // after the fix (impact ends 10:01:01): the queue drains, the statement is fast again
      diagnosis('2026-01-01T10:01:05Z', [pool(0.9)]),
      diagnosis('2026-01-01T10:01:07Z', []),
    ],
    { from: '2026-01-01T10:00:00Z', to: '2026-01-01T10:01:01Z' },
  );
  assert.deepEqual(
    named.map((n) => [n.suspect.component, n.suspect.confidence]),
    [
      ['db.query', 0.72],
      ['worker.cpu', 0.4],
      ['db.pool', 0.75],
      ['db.network', 0.3],
    ],
  );
  assert.deepEqual(named[0]?.evidence, ['`select …` mean 1 → 12 ms']);
  assert.deepEqual(named[2]?.evidence, ['pool 6/6 busy, 4 waiting']);
});
