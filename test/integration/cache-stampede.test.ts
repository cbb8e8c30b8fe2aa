import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createQueryCache, type QueryCache } from '../../src/data/cache/index.js';
import { createDb, type Db } from '../../src/data/index.js';
import { EXTERNAL_REDIS_URL, skipOrFail } from '../support/services.js';
import { startTestDatabase, type TestDatabase } from '../support/stack.js';

const REDIS_URL = EXTERNAL_REDIS_URL;
const PREFIX = `bulwark:test:${randomUUID()}:`;
// pg_sleep keeps the query running while all 1,000 readers arrive.
const QUERY = 'SELECT value FROM stampede_probe, pg_sleep(0.05) WHERE id = $1';

let database: TestDatabase;
let db: Db;
let admin: pg.Client;

before(async () => {
  database = await startTestDatabase();
  admin = new pg.Client(database.url);
  await admin.connect();
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await admin.query('CREATE TABLE stampede_probe (id int PRIMARY KEY, value text NOT NULL)');
  await admin.query("INSERT INTO stampede_probe VALUES (1, 'hot')");
  db = createDb({ url: database.url, max: 10, statementTimeoutMs: 5_000 });
});

after(async () => {
  await db?.close();
  await admin?.end();
  await database?.stop();
});

/** Calls of the probe query as PostgreSQL itself counted them. */
async function serverCalls(): Promise<number> {
  const r = await admin.query<{ calls: string }>(
    "SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements WHERE query LIKE '%stampede_probe, pg_sleep%'",
  );
  return Number(r.rows[0]?.calls);
}

async function stampede(cache: QueryCache, key: string, ttlMs: number) {
  let loaderCalls = 0;
  const loader = async () => {
    loaderCalls++;
    return (await db.query<{ value: string }>(QUERY, [1])).rows[0]?.value;
  };
  await admin.query('SELECT pg_stat_statements_reset()');
  const values = await Promise.all(
    Array.from({ length: 1_000 }, () => cache.read(key, { tables: ['stampede_probe'], ttlMs }, loader)),
  );
  return { values, loaderCalls, serverCalls: await serverCalls() };
}

async function check(cache: QueryCache) {
  const cold = await stampede(cache, 'hot', 300);
  assert.deepEqual(new Set(cold.values), new Set(['hot']));
  assert.equal(cold.loaderCalls, 1);
  assert.equal(cold.serverCalls, 1);

  // The same at expiry: the entry is gone and 1,000 readers arrive at once.
  await new Promise((r) => setTimeout(r, 350));
  const expired = await stampede(cache, 'hot', 300);
  assert.equal(expired.loaderCalls, 1);
  assert.equal(expired.serverCalls, 1);

  // And after a write invalidated it.
  await cache.invalidate(['stampede_probe']);
  const invalidated = await stampede(cache, 'hot', 60_000);
  assert.equal(invalidated.loaderCalls, 1);
  assert.equal(invalidated.serverCalls, 1);
}

test('1,000 concurrent misses on one key run exactly one database query with the in-process cache', async () => {
  const cache = createQueryCache({ beta: 0 });
  try {
    await check(cache);
  } finally {
    await cache.close();
  }
});

test('1,000 concurrent misses on one key run exactly one database query with the Redis cache', async (t) => {
  // A generous command timeout: on a loaded CI box 2,000 commands in one burst can exceed the default
  // 100 ms, and a reader whose lookup timed out after the load finished would query on its own. This
  // test is about single-flight; the fallback has its own test (cache-redis-down).
  const cache = createQueryCache({
    redisUrl: REDIS_URL,
    redisPrefix: PREFIX,
    beta: 0,
    redisCommandTimeoutMs: 2_000,
  });
  try {
    if (!(await cache.ready(2_000))) return skipOrFail(t, `Redis is not reachable at ${REDIS_URL}`);
    await check(cache);
  } finally {
    await cache.close();
    const client = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => {});
    await client.connect().catch(() => {});
    if (client.status === 'ready') {
      const keys = await client.keys(`${PREFIX}*`);
      if (keys.length > 0) await client.del(...keys);
    }
    client.disconnect();
  }
});
