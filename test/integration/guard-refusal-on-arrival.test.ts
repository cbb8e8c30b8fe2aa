import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createGuardedDb, type GuardedDb } from '../../src/data/index.js';
import { buildApp } from '../../src/http/index.js';
import { startTestDatabase, type TestDatabase, testConfig } from '../support/stack.js';

// One connection, all of it open to listings, and room for one waiter: two stuck listings fill the
// heavy lane exactly.
let database: TestDatabase;
let db: GuardedDb;
let app: FastifyInstance;
let baseUrl: string;
let locker: pg.Client;

before(async () => {
  database = await startTestDatabase();
  db = createGuardedDb({
    url: database.url,
    poolSize: 1,
    limit: { minLimit: 1 },
    classes: { heavy: { share: 1 } },
    queue: { maxWaiters: 1 },
  });
  app = await buildApp({
    config: testConfig(),
    db,
    jwtSecret: 'test-secret',
    requestBudgetMs: 5_000,
    refusalNow: (queryClass, deadline) => db.refusalNow(queryClass, deadline),
  });
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

const badToken = { authorization: 'Token not-a-jwt' };

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  assert.ok(condition(), what);
}

test('a route that needs the database is refused on arrival while its lane is full: before authentication, and nothing queued is lost', async () => {
  assert.equal((await fetch(`${baseUrl}/api/articles`, { headers: badToken })).status, 401);
  // The listing reaches the database every time: the worker learns that from its own requests.
  for (let i = 0; i < 25; i++) {
    const r = await fetch(`${baseUrl}/api/articles`);
    assert.equal(r.status, 200, `${i}: ${await r.text()}`);
  }

  await locker.query('BEGIN');
  await locker.query('LOCK TABLE counters IN ACCESS EXCLUSIVE MODE');
  let stuck: Promise<number>[] = [];
  try {
    stuck = [1, 2].map(() => fetch(`${baseUrl}/api/articles`).then((r) => r.status));
    await until(
      () => db.stats().classes.heavy.inflight === 1 && db.stats().classes.heavy.queued === 1,
      'one listing runs and one waits',
    );
    const refusedBefore = db.stats().classes.heavy.rejected.full;
    const res = await fetch(`${baseUrl}/api/articles`, { headers: badToken });
    // A 503 where the token would have got a 401: refused before the route's own hooks ran.
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    const body = (await res.json()) as { code: string; errors: Record<string, string[]> };
    assert.equal(body.code, 'DATA_ERR_OVERLOADED');
    assert.deepEqual(body.errors, { body: ['the database queue is full'] });
    assert.equal(db.stats().classes.heavy.rejected.full, refusedBefore + 1, 'counted as the guard refusing');
    assert.equal(db.stats().classes.heavy.queued, 1, 'the waiter already queued keeps its place');
    // A route this worker has not seen need the database goes through to its own checks.
    assert.equal((await fetch(`${baseUrl}/api/articles/feed`, { headers: badToken })).status, 401);
  } finally {
    await locker.query('ROLLBACK');
  }
  assert.deepEqual(await Promise.all(stuck), [200, 200]);
  assert.equal((await fetch(`${baseUrl}/api/articles`, { headers: badToken })).status, 401);
});
