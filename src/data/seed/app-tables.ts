import type pg from 'pg';

/** Every table of the Conduit schema that holds application data (not counters or migrations). */
export const APP_TABLES = [
  'users',
  'follows',
  'articles',
  'tags',
  'article_tags',
  'favorites',
  'comments',
] as const;

/** Tables whose statement-level triggers maintain counters; off during a bulk load. */
export const COUNTED_TABLES = ['articles', 'article_tags', 'favorites'] as const;

/** True when the database has no users, the signal for seeding on first start. */
export async function isDatabaseEmpty(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM users) AS any');
  return !rows[0]?.any;
}

/** Empties every application table, restarts their ids and zeroes the counters. */
export async function truncateAppTables(client: pg.ClientBase): Promise<void> {
  await client.query(`TRUNCATE ${APP_TABLES.join(', ')} RESTART IDENTITY CASCADE`);
  await client.query('UPDATE counters SET value = 0');
}

/** Moves each identity sequence past the largest id, so ids the API assigns later do not collide. */
export async function advanceSequences(client: pg.ClientBase): Promise<void> {
  for (const table of ['users', 'articles', 'tags', 'comments']) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM ${table}`,
    );
  }
}
