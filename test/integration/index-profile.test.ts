import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { applyIndexProfile, SEED_MISSING_INDEXES } from '../../src/data/index.js';
import { startTestDatabase, type TestDatabase } from '../support/stack.js';

let database: TestDatabase;
let client: pg.Client;
const indexDefinitions = async () =>
  (
    await client.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
    )
  ).rows;

before(async () => {
  database = await startTestDatabase();
  client = new pg.Client(database.url);
  await client.connect();
});
after(async () => {
  await client.end();
  await database.stop();
});

test('the pre-incident profile drops exactly the indexes the seed lacked, and hardened restores them as migrated', async () => {
  const migrated = await indexDefinitions();
  const names = SEED_MISSING_INDEXES.map((i) => i.name);
  for (const name of names)
    assert.ok(
      migrated.some((i) => i.indexname === name),
      `${name} is in the migration`,
    );

  assert.deepEqual(
    await applyIndexProfile(client, 'pre-incident'),
    names.map((n) => `dropped ${n}`),
  );
  assert.deepEqual(
    await indexDefinitions(),
    migrated.filter((i) => !names.includes(i.indexname as (typeof names)[number])),
  );
  assert.deepEqual(await applyIndexProfile(client, 'pre-incident'), [], 'applying it twice changes nothing');

  assert.deepEqual(
    await applyIndexProfile(client, 'hardened'),
    names.map((n) => `created ${n}`),
  );
  assert.deepEqual(await indexDefinitions(), migrated, 'the restored definitions are the migration’s');
  assert.deepEqual(await applyIndexProfile(client, 'hardened'), []);
});
