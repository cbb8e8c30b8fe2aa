import type { TestContext } from 'node:test';
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
