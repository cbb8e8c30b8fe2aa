import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createGuardedDb, type GuardedDb } from '../../src/data/index.js';
import { buildApp } from '../../src/http/index.js';
import { startTestDatabase, type TestDatabase, testConfig } from '../support/stack.js';

const BUDGET_MS = 400;
let database: TestDatabase;
let db: GuardedDb;
let app: FastifyInstance;
let baseUrl: string;
let locker: pg.Client;

before(async () => {
  database = await startTestDatabase();
  db = createGuardedDb({ url: database.url, poolSize: 2, applicationName: 'bulwark-guard-http' });
  app = await buildApp({ config: testConfig(), db, jwtSecret: 'test-secret', requestBudgetMs: BUDGET_MS });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  locker = new pg.Client(database.url);
  await locker.connect();
});
after(async () => {
  await locker.end();
  await app.close();
  await db.close();
  await database.stop();
});

/** API statements still running in the database, seen from outside the app. */
async function runningApiQueries(): Promise<string[]> {
  // The locker may be inside a transaction, where pg_stat_activity is a snapshot taken once.
  await locker.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await locker.query<{ query: string }>(
    "SELECT query FROM pg_stat_activity WHERE application_name = 'bulwark-guard-http' AND state = 'active'",
  );
  return rows.map((r) => r.query);
}

async function withTableLocked<T>(table: string, fn: () => Promise<T>): Promise<T> {
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  try {
    return await fn();
  } finally {
    await locker.query('ROLLBACK');
  }
}

test('a listing stuck past the request budget is answered 503 with Retry-After, and its query is cancelled in the database', async () => {
  await withTableLocked('counters', async () => {
    const started = Date.now();
    const res = await fetch(`${baseUrl}/api/articles`);
    const elapsed = Date.now() - started;
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    const body = (await res.json()) as { code: string; errors: Record<string, string[]> };
    assert.deepEqual(body.errors, { body: ["the query was cancelled: the request's deadline passed"] });
    assert.equal(body.code, 'DATA_ERR_CANCELLED');
    assert.ok(elapsed < BUDGET_MS + 500, `answered after ${elapsed} ms, budget ${BUDGET_MS} ms`);
    for (let i = 0; i < 40 && (await runningApiQueries()).length > 0; i++) await sleep(25);
    assert.deepEqual(await runningApiQueries(), [], 'no API query is left running');
  });
});

test('a client that goes away gets its running query cancelled in the database', async () => {
  await withTableLocked('counters', async () => {
    const controller = new AbortController();
    const pending = fetch(`${baseUrl}/api/articles`, { signal: controller.signal }).catch(
      (e: Error) => e.name,
    );
    for (let i = 0; i < 40 && (await runningApiQueries()).length === 0; i++) await sleep(10);
    assert.equal((await runningApiQueries()).length, 1, 'the listing reached the database');
    controller.abort();
    assert.equal(await pending, 'AbortError');
    for (let i = 0; i < 40 && (await runningApiQueries()).length > 0; i++) await sleep(10);
    assert.deepEqual(await runningApiQueries(), []);
  });
});

test('listings run as the heavy class and single reads as critical', async () => {
  const before = db.stats();
  assert.equal((await fetch(`${baseUrl}/api/articles`)).status, 200);
  assert.equal((await fetch(`${baseUrl}/api/tags`)).status, 200);
  const after = db.stats();
  // The database holds no article: the listing is one statement (the empty page), the tags one.
  assert.equal(after.classes.heavy.admitted - before.classes.heavy.admitted, 1);
  assert.equal(after.classes.critical.admitted - before.classes.critical.admitted, 1);
});

test('a write with a body runs to completion: reading the body is not the client going away', async () => {
  const res = await fetch(`${baseUrl}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      user: { username: 'guarded_writer', email: 'guarded@writer.io', password: 'a-long-password' },
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { rows } = await locker.query(
    "SELECT count(*)::int AS n FROM users WHERE username = 'guarded_writer'",
  );
  assert.deepEqual(rows, [{ n: 1 }]);
});
