import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createDb, createGuardedDb, type Db } from '../../src/data/index.js';
import {
  createExplainSampler,
  createQueryStats,
  type ExplainSampler,
  fingerprint,
  instrumentDb,
  markQuerySent,
  type QueryStats,
  type SlowQueryLogEntry,
} from '../../src/data/query-stats/index.js';
import { startTestDatabase, type TestDatabase } from '../support/stack.js';

/**
 * Query statistics on a real PostgreSQL: a 50k-row table with no index on the column a query filters
 * by (the seed outage's shape), queried through an instrumented Db with the EXPLAIN sampler on.
 */

const SLOW = 'SELECT id, owner_id / $2 AS share FROM qs_probe WHERE email = $1';
const EMAIL = 'person-31337@example.com';
const EXPLAIN_APP = 'bulwark-qs-explain';

let database: TestDatabase;
let admin: pg.Client;
let stats: QueryStats;
let sampler: ExplainSampler;
let db: Db;
const lines: SlowQueryLogEntry[] = [];
const sent: string[] = [];

before(async () => {
  database = await startTestDatabase();
  admin = new pg.Client(database.url);
  await admin.connect();
  await admin.query(
    `CREATE TABLE qs_probe (id serial PRIMARY KEY, owner_id int NOT NULL, email text NOT NULL, payload text NOT NULL)`,
  );
  await admin.query(
    `INSERT INTO qs_probe (owner_id, email, payload)
     SELECT g % 100 + 1, 'person-' || g || '@example.com', repeat('x', 200) FROM generate_series(1, 50000) g`,
  );
  await admin.query('ANALYZE qs_probe');
  stats = createQueryStats();
  sampler = createExplainSampler({
    stats,
    url: database.url,
    applicationName: EXPLAIN_APP,
    // A 50k-row scan takes a few ms here; the production default (200 ms) would need a far bigger table.
    thresholdMs: 1,
    log: (line) => lines.push(line),
  });
  const inner = createDb({
    url: database.url,
    max: 2,
    statementTimeoutMs: 5_000,
    applicationName: 'bulwark-qs-service',
    onQuery: (text) => {
      markQuerySent();
      sent.push(text);
    },
  });
  db = instrumentDb(inner, stats, { explain: sampler, splitPoolWait: true });
});

after(async () => {
  await sampler?.close();
  await db?.close();
  await admin?.end();
  await database?.stop();
});

test('a slow unindexed query is counted exactly, with its rows and a failure under its SQLSTATE', async () => {
  for (let i = 0; i < 3; i++) {
    const { rows } = await db.query(SLOW, [EMAIL, 1]);
    assert.equal(rows.length, 1);
  }
  await assert.rejects(db.query(SLOW, [EMAIL, 0]), (err: { code?: string }) => err.code === '22012');

  const q = stats.snapshot().queries.find((x) => x.id === fingerprint(SLOW).id);
  assert.ok(q, 'the statement has a fingerprint entry');
  assert.equal(q.text, 'select id, owner_id / $2 as share from qs_probe where email = $1');
  assert.equal(q.total.calls, 4);
  assert.equal(q.total.errors, 1);
  assert.deepEqual(q.total.errorsByCode, { '22012': 1 });
  assert.equal(q.total.rows, 3);
  assert.equal(q.total.time.count, 4);
  assert.equal(q.total.poolWait.count, 4);
  assert.ok(q.total.time.p50Ms > 0);
  assert.equal(q.recent.calls, 4);
});

test('the slow query gets an EXPLAIN naming the Seq Scan and its table, and one log line without values', async () => {
  await sampler.idle();
  const q = stats.snapshot().queries.find((x) => x.id === fingerprint(SLOW).id);
  assert.ok(q?.plan, 'a plan was captured');
  assert.equal(q.plan.top.nodeType, 'Seq Scan');
  assert.equal(q.plan.seqScans.length, 1);
  assert.equal(q.plan.seqScans[0]?.relation, 'qs_probe');
  assert.equal(q.plan.seqScans[0]?.filter, '(email = ?::text)');
  assert.ok(q.plan.totalCost > 0);

  const mine = lines.filter((l) => l.fingerprint === q.id);
  assert.equal(mine.length, 1, 'one line per fingerprint per cooldown');
  assert.equal(mine[0]?.explain, 'captured');
  assert.equal(mine[0]?.plan?.seqScans[0]?.relation, 'qs_probe');
  const logged = JSON.stringify(lines);
  assert.doesNotMatch(logged, /31337/);
  assert.doesNotMatch(logged, /example\.com/);
});

test('the EXPLAIN ran on its own connection, never on one of the service pool', async () => {
  await sampler.idle();
  assert.equal(sampler.counters().connectionsOpened, 1);
  assert.equal(
    sent.some((t) => /explain/i.test(t)),
    false,
  );
  const { rows } = await admin.query<{ query: string }>(
    'SELECT query FROM pg_stat_activity WHERE application_name = $1',
    [EXPLAIN_APP],
  );
  assert.equal(rows.length, 1);
  assert.match(rows[0]?.query ?? '', /^EXPLAIN \(FORMAT JSON\) SELECT id, owner_id/);
  const service = await admin.query<{ query: string }>(
    'SELECT query FROM pg_stat_activity WHERE application_name = $1',
    ['bulwark-qs-service'],
  );
  assert.ok(service.rows.every((r) => !r.query.startsWith('EXPLAIN')));
});

test('a write on the same table is counted but never explained', async () => {
  await db.transaction(async (tx) => {
    await tx.query('UPDATE qs_probe SET payload = $1 WHERE email = $2', ['y', EMAIL]);
  });
  await sampler.idle();
  const q = stats.snapshot().queries.find((x) => x.text.startsWith('update qs_probe'));
  assert.equal(q?.total.calls, 1);
  assert.equal(q?.total.rows, 1);
  assert.equal(q?.plan, null);
  assert.equal(sampler.counters().explained, 1);
});

test('behind the guard, a query that waited for the only connection has the wait as pool wait, not query time', async () => {
  const guardStats = createQueryStats();
  const guarded = instrumentDb(
    createGuardedDb({
      url: database.url,
      poolSize: 1,
      applicationName: 'bulwark-qs-guarded',
      // Long CoDel settings so the waiter is queued, not shed: this test is about attribution.
      queue: { targetMs: 2_000, intervalMs: 10_000 },
      onQuery: markQuerySent,
    }),
    guardStats,
    { splitPoolWait: true },
  );
  try {
    await Promise.all([guarded.query('SELECT pg_sleep(0.3)'), guarded.query('SELECT count(*) FROM tags')]);
    const fast = guardStats.snapshot().queries.find((x) => x.text === 'select count(*) from tags');
    assert.ok(fast);
    assert.equal(fast.total.calls, 1);
    assert.ok(fast.total.poolWait.maxMs >= 200, `pool wait ${fast.total.poolWait.maxMs} ms`);
    assert.ok(fast.total.time.maxMs < 100, `query time ${fast.total.time.maxMs} ms`);
    assert.equal(guarded.stats().poolSize, 1, "the guard's own API is still there");
  } finally {
    await guarded.close();
  }
});
