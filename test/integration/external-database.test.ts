import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { listMigrations, migrate } from '../../src/data/index.js';
import { EXTERNAL_POSTGRES_URL, postgresReachable, skipOrFail } from '../support/services.js';
import { spawnStack } from '../support/spawn-stack.js';

async function withScratchDatabase(fn: (url: string) => Promise<void>): Promise<void> {
  const name = `bulwark_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(EXTERNAL_POSTGRES_URL);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(EXTERNAL_POSTGRES_URL);
    url.pathname = `/${name}`;
    await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

test('two processes migrating one external database together apply each migration exactly once', async (t) => {
  if (!(await postgresReachable(EXTERNAL_POSTGRES_URL)))
    return skipOrFail(t, `no PostgreSQL at ${EXTERNAL_POSTGRES_URL}`);
  await withScratchDatabase(async (url) => {
    const clients = [new pg.Client(url), new pg.Client(url)];
    await Promise.all(clients.map((c) => c.connect()));
    try {
      const results = await Promise.all(clients.map((c) => migrate(c)));
      const applied = results.flatMap((r) => r.applied).sort();
      assert.deepEqual(
        applied,
        listMigrations()
          .map((m) => m.name)
          .sort(),
      );
      const { rows } = await (clients[0] as pg.Client).query(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      assert.deepEqual(
        rows.map((r) => r.version),
        listMigrations().map((m) => m.version),
      );
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});

test('with DATABASE_URL set the stack uses that database and starts no embedded server', async (t) => {
  if (!(await postgresReachable(EXTERNAL_POSTGRES_URL)))
    return skipOrFail(t, `no PostgreSQL at ${EXTERNAL_POSTGRES_URL}`);
  await withScratchDatabase(async (url) => {
    const stack = await spawnStack([], { DATABASE_URL: url });
    try {
      const database = await stack.waitFor((l) => l.msg === 'database ready');
      assert.equal(database.mode, 'external');
      await stack.waitFor((l) => l.msg === 'bulwark is up');
      assert.equal(existsSync(join(stack.dataDir, 'pg')), false, 'no embedded data directory was created');

      const res = await fetch(`${stack.baseUrl}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          user: { username: 'external_check', email: 'external@check.io', password: 'a-long-password' },
        }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const client = new pg.Client(url);
      await client.connect();
      const { rows } = await client.query("SELECT username FROM users WHERE username = 'external_check'");
      await client.end();
      assert.deepEqual(rows, [{ username: 'external_check' }], 'the write landed in the external database');
    } finally {
      stack.child.kill('SIGTERM');
      await stack.exited;
      rmSync(stack.dataDir, { recursive: true, force: true });
    }
  });
});
