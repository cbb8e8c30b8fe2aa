import type { Queryable } from '../data/index.js';
import type { ProfileRow, SharedProfileRow } from './presenters.js';

const GET = `SELECT u.username, u.bio, u.image,
    EXISTS(SELECT 1 FROM follows f WHERE f.follower_id = $2::bigint AND f.followee_id = u.id) AS following
  FROM users u WHERE u.username = $1`;

// One statement each: find the user, change the edge, return the profile. Following oneself is
// refused by the CHECK constraint, so the insert skips it and the caller answers 422.
const FOLLOW = `WITH target AS (SELECT id, username, bio, image FROM users WHERE username = $1),
  ins AS (INSERT INTO follows (follower_id, followee_id)
          SELECT $2, id FROM target WHERE id <> $2 ON CONFLICT DO NOTHING)
  SELECT id, username, bio, image, true AS following FROM target`;

const UNFOLLOW = `WITH target AS (SELECT id, username, bio, image FROM users WHERE username = $1),
  del AS (DELETE FROM follows WHERE follower_id = $2 AND followee_id = (SELECT id FROM target))
  SELECT id, username, bio, image, false AS following FROM target`;

export async function profile(
  q: Queryable,
  username: string,
  viewerId: string | null,
): Promise<ProfileRow | null> {
  const { rows } = await q.query<ProfileRow>(GET, [username, viewerId]);
  return rows[0] ?? null;
}

/** The profile as every reader sees it (no `following`), with its id; cacheable. */
export async function sharedProfile(q: Queryable, username: string): Promise<SharedProfileRow | null> {
  const { rows } = await q.query<SharedProfileRow>(
    'SELECT id, username, bio, image FROM users WHERE username = $1',
    [username],
  );
  return rows[0] ?? null;
}

/** The followed profile and its id, or null when no user has this name. */
export async function follow(q: Queryable, username: string, viewerId: string, on: boolean) {
  const { rows } = await q.query<ProfileRow & { id: string }>(on ? FOLLOW : UNFOLLOW, [username, viewerId]);
  return rows[0] ?? null;
}
