import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createDb, createGuardedDb, type Db } from '../../src/data/index.js';
import { BulwarkError } from '../../src/errors/index.js';
import { startTestDatabase, type TestDatabase } from '../support/stack.js';

let database: TestDatabase;
let admin: pg.Client;

before(async () => {
  database = await startTestDatabase();
  admin = new pg.Client(database.url);
  await admin.connect();
});
after(async () => {
  await admin.end();
  await database.stop();
});

/** Kills every server session of `applicationName`, as a database restart or failover would. */
async function terminateSessions(applicationName: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    await admin.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
      [applicationName],
    );
    if ((rows[0]?.n ?? 0) >= 2) break;
    await sleep(10);
  }
  const { rows } = await admin.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) t',
    [applicationName],
  );
  return rows[0]?.n ?? 0;
}

const variants: [string, (name: string) => Db][] = [
  ['the guard', (name) => createGuardedDb({ url: database.url, poolSize: 3, applicationName: name })],
  [
    'the plain pool',
    (name) => createDb({ url: database.url, max: 3, statementTimeoutMs: 0, applicationName: name }),
  ],
];

for (const [label, make] of variants) {
  test(`with ${label}, connections killed under running statements and transactions fail those with a 503 code and the process goes on`, async () => {
    const name = `bulwark-loss-${label.replace(/\W/g, '')}`;
    const db = make(name);
    try {
      const running = [
        db.query('SELECT pg_sleep(5)'),
        db.transaction(async (tx) => {
          await tx.query('SELECT pg_sleep(5)');
        }),
      ].map((p) =>
        p.then(
          () => 'ok',
          (e: unknown) => e,
        ),
      );
      assert.ok((await terminateSessions(name)) >= 2, 'both sessions were running when killed');
      const outcomes = await Promise.all(running);
      for (const outcome of outcomes) {
        assert.ok(outcome instanceof BulwarkError, `expected a BulwarkError, got ${String(outcome)}`);
        assert.equal(outcome.status, 503);
      }
      // New statements get fresh connections.
      const { rows } = await db.query<{ one: number }>('SELECT 1 AS one');
      assert.deepEqual(rows, [{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
}
