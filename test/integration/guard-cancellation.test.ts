import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import {
  createBackendCanceller,
  createGuardedDb,
  type GuardedDb,
  type GuardedDbOptions,
  runWithRequestContext,
} from '../../src/data/guard/index.js';
import type { BulwarkError } from '../../src/errors/index.js';
import { startTestDatabase, type TestDatabase } from '../support/stack.js';

let database: TestDatabase;
let observer: pg.Client;
before(async () => {
  database = await startTestDatabase();
  observer = new pg.Client(database.url);
  await observer.connect();
});
after(async () => {
  await observer?.end();
  await database?.stop();
});

const open: GuardedDb[] = [];
function guard(options: Omit<GuardedDbOptions, 'url'> = { poolSize: 2 }): GuardedDb {
  const db = createGuardedDb({ url: database.url, ...options });
  open.push(db);
  return db;
}
after(async () => {
  await Promise.all(open.map((db) => db.close()));
});

/** Backends running a statement that contains `marker`, seen from a separate connection. */
async function running(marker: string): Promise<number> {
  const result = await observer.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()",
    [`%${marker}%`],
  );
  return Number(result.rows[0]?.n);
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => assert.fail('expected a failure'),
    (err: unknown) => err as BulwarkError,
  );

test('a running query whose deadline passes is cancelled on the server and gone from pg_stat_activity within a second', async () => {
  // The class's statement_timeout is far away: only the guard's cancel can stop this query in time.
  const db = guard({ poolSize: 2, classes: { critical: { statementTimeoutMs: 60_000 } } });
  const started = Date.now();
  const query = failure(
    runWithRequestContext({ deadline: started + 300, queryClass: 'critical' }, () =>
      db.query("SELECT pg_sleep(30), 'deadline-marker'"),
    ),
  );
  await until(async () => (await running('deadline-marker')) === 1, 2_000);

  const error = await query;
  const answeredAfter = Date.now() - started;
  assert.equal(error.code, 'DATA_ERR_CANCELLED');
  assert.equal(error.status, 503);
  assert.ok(answeredAfter < 300 + 200, `the caller was answered after ${answeredAfter} ms`);
  const goneAfter = await until(async () => (await running('deadline-marker')) === 0, 1_000);
  assert.ok(goneAfter <= 1_000);
  assert.equal(db.stats().classes.critical.cancelled, 1);
  await until(() => db.stats().inflight === 0, 1_000);
});

test('a running query whose client goes away is cancelled on the server', async () => {
  const db = guard({ poolSize: 2, classes: { heavy: { statementTimeoutMs: 60_000 } } });
  const controller = new AbortController();
  const query = failure(
    runWithRequestContext(
      { deadline: Date.now() + 30_000, queryClass: 'heavy', signal: controller.signal },
      () => db.query("SELECT pg_sleep(30), 'abort-marker'"),
    ),
  );
  await until(async () => (await running('abort-marker')) === 1, 2_000);
  controller.abort();
  const error = await query;
  assert.equal(error.code, 'DATA_ERR_CANCELLED');
  await until(async () => (await running('abort-marker')) === 0, 1_000);
});

test('a connection whose query was cancelled serves the next request normally', async () => {
  const db = guard({ poolSize: 1, limit: { minLimit: 1 } });
  await db.query('SELECT 1'); // the connection exists before the 100 ms budget starts
  const cancelled = failure(
    runWithRequestContext({ deadline: Date.now() + 100, queryClass: 'critical' }, () =>
      db.query('SELECT pg_sleep(5)'),
    ),
  );
  // Queued behind the doomed query on the only connection: it must not receive the cancel meant for it.
  const next = runWithRequestContext({ deadline: Date.now() + 3_000, queryClass: 'critical' }, () =>
    db.query<{ ok: number }>('SELECT 1 AS ok, pg_sleep(0.2)'),
  );
  const [first, second] = await Promise.allSettled([cancelled, next]);
  assert.equal(first.status === 'fulfilled' && first.value.code, 'DATA_ERR_CANCELLED');
  assert.deepEqual(second.status === 'fulfilled' ? second.value.rows.map((r) => r.ok) : second.reason, [1]);
});

test("a class's statement_timeout stops a slow query on the server even without a deadline", async () => {
  const db = guard({ poolSize: 2, classes: { heavy: { statementTimeoutMs: 200 } } });
  const error = await failure(
    runWithRequestContext({ deadline: Date.now() + 10_000, queryClass: 'heavy' }, () =>
      db.query('SELECT pg_sleep(5)'),
    ),
  );
  assert.equal(error.code, 'DATA_ERR_QUERY_TIMEOUT');
  // The same connection, back in the critical class, gets the critical timeout again.
  const timeout = await runWithRequestContext({ deadline: Date.now() + 1_000, queryClass: 'critical' }, () =>
    db.query<{ statement_timeout: string }>('SHOW statement_timeout'),
  );
  assert.equal(timeout.rows[0]?.statement_timeout, '5s');
});

test('a transaction whose deadline passes mid-statement is cancelled and rolled back', async () => {
  const db = guard({ poolSize: 1, limit: { minLimit: 1 } });
  await db.query('CREATE TABLE IF NOT EXISTS guard_tx_probe (n int)');
  const error = await failure(
    runWithRequestContext({ deadline: Date.now() + 200, queryClass: 'critical' }, () =>
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO guard_tx_probe VALUES (1)');
        await tx.query('SELECT pg_sleep(5)');
      }),
    ),
  );
  assert.equal(error.code, 'DATA_ERR_CANCELLED');
  const rows = await db.query<{ n: string }>('SELECT count(*) AS n FROM guard_tx_probe');
  assert.equal(rows.rows[0]?.n, '0');
});

test('cancels that arrive together never overlap on the control connection, and each reaches its own backend', async () => {
  const canceller = createBackendCanceller(database.url);
  const sleepers = await Promise.all(
    [1, 2, 3, 4].map(async () => {
      const c = new pg.Client(database.url);
      await c.connect();
      return c;
    }),
  );
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    const marker = 'canceller_batch_probe';
    const outcomes = sleepers.map((c) =>
      c.query(`SELECT pg_sleep(5) AS ${marker}`).then(
        () => 'finished',
        (err: { code?: string }) => err.code,
      ),
    );
    await until(async () => (await running(marker)) === 4, 3_000);
    // The last pid is not a backend: it must come back false without spoiling the batch.
    const pids = [...sleepers.map((c) => (c as unknown as { processID: number }).processID), 1];
    const sent = await Promise.all(pids.map((pid) => canceller.cancel(pid)));
    assert.deepEqual(sent, [true, true, true, true, false]);
    // 57014: query_canceled, every sleeper stopped by its own cancel.
    assert.deepEqual(await Promise.all(outcomes), ['57014', '57014', '57014', '57014']);
    assert.equal(await running(marker), 0);
    // node-postgres warns when a client gets a query while one runs; the batch never does that.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      warnings.filter((w) => w.includes('already executing a query')),
      [],
    );
  } finally {
    process.off('warning', onWarning);
    await canceller.close();
    await Promise.all(sleepers.map((c) => c.end()));
  }
});
