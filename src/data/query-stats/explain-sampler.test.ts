import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExplainSampler, type ExplainConnection, type SlowQueryLogEntry } from './explain-sampler.js';
import { createQueryStats } from './query-stats.js';

const PLAN = [
  {
    Plan: {
      'Node Type': 'Limit',
      'Total Cost': 2500.5,
      'Plan Rows': 20,
      Plans: [
        {
          'Node Type': 'Seq Scan',
          'Relation Name': 'articles',
          Schema: 'public',
          'Plan Rows': 1000,
          Filter: "(author_email = 'alice@example.com'::text)",
        },
      ],
    },
  },
];

/** A connection that answers every EXPLAIN with PLAN after `release()` is called, and counts. */
function fakeConnection() {
  const seen: { text: string; values: unknown[] | undefined }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const waiting: (() => void)[] = [];
  const conn: ExplainConnection = {
    async query(text, values) {
      seen.push({ text, values });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight--;
      return { rows: [{ 'QUERY PLAN': PLAN }] };
    },
    end: async () => {},
  };
  return {
    conn,
    seen,
    maxInFlight: () => maxInFlight,
    releaseAll: () => {
      for (const w of waiting.splice(0)) w();
    },
  };
}

const SLOW = 'SELECT * FROM articles WHERE author_email = $1 LIMIT 20';

async function drain(sampler: { idle(): Promise<void> }, fake: { releaseAll(): void }) {
  const done = sampler.idle();
  for (let i = 0; i < 20; i++) {
    fake.releaseAll();
    await new Promise((r) => setImmediate(r));
  }
  await done;
}

test('a slow select is explained once, its plan kept and logged without its parameter values', async () => {
  const t = 0;
  const clock = { now: () => t };
  const stats = createQueryStats({ clock });
  const fake = fakeConnection();
  const lines: SlowQueryLogEntry[] = [];
  const sampler = createExplainSampler({
    stats,
    clock,
    connect: async () => fake.conn,
    log: (l) => lines.push(l),
  });
  const fp = stats.record({ text: SLOW, durationMs: 250 });
  sampler.offer({ fingerprint: fp, text: SLOW, values: ['alice@example.com'], durationMs: 250 });
  await drain(sampler, fake);

  assert.deepEqual(fake.seen, [{ text: `EXPLAIN (FORMAT JSON) ${SLOW}`, values: ['alice@example.com'] }]);
  const plan = stats.snapshot().queries[0]?.plan;
  assert.equal(plan?.top.nodeType, 'Limit');
  assert.equal(plan?.totalCost, 2500.5);
  assert.deepEqual(plan?.seqScans, [
    { relation: 'articles', schema: 'public', estimatedRows: 1000, filter: '(author_email = ?::text)' },
  ]);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.fingerprint, fp.id);
  assert.equal(lines[0]?.explain, 'captured');
  assert.doesNotMatch(JSON.stringify(lines), /alice/);
  assert.deepEqual(sampler.counters(), {
    explained: 1,
    failed: 0,
    notSelect: 0,
    dropped: 0,
    connectionsOpened: 1,
  });
});

test('a fingerprint is explained again only after its cooldown, and fast queries never', async () => {
  let t = 0;
  const clock = { now: () => t };
  const stats = createQueryStats({ clock });
  const fake = fakeConnection();
  const sampler = createExplainSampler({ stats, clock, cooldownMs: 60_000, connect: async () => fake.conn });
  const fp = stats.fingerprintOf(SLOW);
  sampler.offer({ fingerprint: fp, text: SLOW, values: ['x'], durationMs: 199 });
  for (let i = 0; i < 10; i++) sampler.offer({ fingerprint: fp, text: SLOW, values: ['x'], durationMs: 500 });
  await drain(sampler, fake);
  assert.equal(fake.seen.length, 1);
  t += 60_000;
  sampler.offer({ fingerprint: fp, text: SLOW, values: ['x'], durationMs: 500 });
  await drain(sampler, fake);
  assert.equal(fake.seen.length, 2);
});

test('many slow shapes at once are explained one at a time, and past the queue only logged', async () => {
  const stats = createQueryStats();
  const fake = fakeConnection();
  const lines: SlowQueryLogEntry[] = [];
  const sampler = createExplainSampler({
    stats,
    maxPending: 3,
    connect: async () => fake.conn,
    log: (l) => lines.push(l),
  });
  for (let i = 0; i < 10; i++) {
    const text = `SELECT c${i} FROM t WHERE a = $1`;
    sampler.offer({ fingerprint: stats.fingerprintOf(text), text, values: [i], durationMs: 300 });
  }
  await drain(sampler, fake);
  assert.equal(fake.maxInFlight(), 1);
  const c = sampler.counters();
  assert.equal(c.explained + c.dropped, 10);
  assert.ok(c.dropped >= 6);
  assert.equal(lines.filter((l) => l.explain === 'dropped').length, c.dropped);
});

test('a slow write is logged but never explained', async () => {
  const stats = createQueryStats();
  const fake = fakeConnection();
  const lines: SlowQueryLogEntry[] = [];
  const sampler = createExplainSampler({ stats, connect: async () => fake.conn, log: (l) => lines.push(l) });
  const text = 'UPDATE articles SET title = $1 WHERE id = $2';
  sampler.offer({ fingerprint: stats.fingerprintOf(text), text, values: ['secret', 1], durationMs: 900 });
  await sampler.idle();
  assert.equal(fake.seen.length, 0);
  assert.equal(sampler.counters().connectionsOpened, 0);
  assert.deepEqual(
    lines.map((l) => [l.explain, l.query]),
    [['not-select', 'update articles set title = $1 where id = $2']],
  );
});

test('a failed EXPLAIN logs its code only, and a broken connection is replaced', async () => {
  const stats = createQueryStats();
  const lines: SlowQueryLogEntry[] = [];
  let opened = 0;
  const failing: ExplainConnection = {
    query: async () => {
      throw Object.assign(new Error('Connection terminated: secret detail'), { code: undefined });
    },
    end: async () => {},
  };
  const sampler = createExplainSampler({
    stats,
    connect: async () => {
      opened++;
      return failing;
    },
    log: (l) => lines.push(l),
  });
  for (const text of ['SELECT a FROM t', 'SELECT b FROM t']) {
    sampler.offer({ fingerprint: stats.fingerprintOf(text), text, durationMs: 300 });
    await sampler.idle();
  }
  assert.equal(opened, 2);
  assert.deepEqual(
    lines.map((l) => [l.explain, l.errorCode]),
    [
      ['failed', 'unknown'],
      ['failed', 'unknown'],
    ],
  );
  assert.doesNotMatch(JSON.stringify(lines), /secret/);
});
