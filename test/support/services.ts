import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';

/** The system PostgreSQL that CI provides on its standard port (trust authentication, database `test`). */
export const EXTERNAL_POSTGRES_URL =
  process.env.BULWARK_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Tests of the external-database and Redis modes need those servers. On a fresh machine without
 * them the test skips and says why; CI sets BULWARK_REQUIRE_SERVICES=1 and the same test fails.
 */
export function skipOrFail(t: TestContext, reason: string): void {
  if (process.env.BULWARK_REQUIRE_SERVICES === '1') {
    throw new Error(`${reason} (BULWARK_REQUIRE_SERVICES=1 makes this mandatory)`);
  }
  t.skip(reason);
}

export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    await client.end().catch(() => {});
    return false;
  }
}

/** The system Redis that CI provides on its standard port. */
export const EXTERNAL_REDIS_URL = process.env.BULWARK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisReachable(url = EXTERNAL_REDIS_URL): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
