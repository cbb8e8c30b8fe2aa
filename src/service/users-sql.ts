import type { Queryable } from '../data/index.js';
import type { UserRow } from './presenters.js';

const COLUMNS = 'id, username, email, bio, image';

// DO NOTHING without a target covers both unique indexes (username, lower(email)) and never aborts.
const INSERT = `INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3)
  ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`;

const TAKEN = `SELECT EXISTS(SELECT 1 FROM users WHERE username = $1) AS username,
  EXISTS(SELECT 1 FROM users WHERE lower(email) = lower($2)) AS email`;

export type Inserted = { ok: true; user: UserRow } | { ok: false; taken: string[] };

export async function insertUser(
  q: Queryable,
  username: string,
  email: string,
  hash: string,
): Promise<Inserted> {
  const { rows } = await q.query<UserRow>(INSERT, [username, email, hash]);
  if (rows[0]) return { ok: true, user: rows[0] };
  const taken = (await q.query<{ username: boolean; email: boolean }>(TAKEN, [username, email])).rows[0];
  const fields = taken ? (['username', 'email'] as const).filter((f) => taken[f]) : [];
  return { ok: false, taken: fields.length > 0 ? fields : ['username'] };
}

export async function userByEmail(
  q: Queryable,
  email: string,
): Promise<(UserRow & { password_hash: string }) | null> {
  const { rows } = await q.query<UserRow & { password_hash: string }>(
    `SELECT ${COLUMNS}, password_hash FROM users WHERE lower(email) = lower($1)`,
    [email],
  );
  return rows[0] ?? null;
}

export async function userById(q: Queryable, id: string): Promise<UserRow | null> {
  const { rows } = await q.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export interface UserChanges {
  username?: string | undefined;
  email?: string | undefined;
  password_hash?: string | undefined;
  bio?: string | null | undefined;
  image?: string | null | undefined;
}

// Column names come from this list only, never from the request.
const UPDATABLE = ['username', 'email', 'password_hash', 'bio', 'image'] as const;

/** Applies the given changes (a unique violation surfaces as pg error 23505); null when the user is gone. */
export async function updateUser(q: Queryable, id: string, changes: UserChanges): Promise<UserRow | null> {
  const sets: string[] = ['updated_at = now()'];
  const values: unknown[] = [id];
  for (const column of UPDATABLE) {
    if (changes[column] === undefined) continue;
    values.push(changes[column]);
    sets.push(`${column} = $${values.length}`);
  }
  const { rows } = await q.query<UserRow>(
    `UPDATE users SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
    values,
  );
  return rows[0] ?? null;
}
