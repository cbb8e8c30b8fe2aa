import type { SeedContext } from './context.js';
import { SHAPE, STREAM } from './shape.js';
import { rankToId, uniform, zipfRank } from './sql-random.js';
import { drawUniquePairs } from './unique-pairs.js';

/** Follow edges: a few users follow thousands, the prolific authors have the most followers. */
export async function loadFollows({ client, sizes, anchor }: SeedContext): Promise<number> {
  if (sizes.follows === 0) return 0;
  const n = sizes.users;
  await drawUniquePairs(client, 'seed_follow_pairs', sizes.follows, {
    left: rankToId(zipfRank(uniform('g', STREAM.followFrom), n, SHAPE.followers.s), n, SHAPE.followers.role),
    right: rankToId(zipfRank(uniform('g', STREAM.followTo), n, SHAPE.followees.s), n, SHAPE.followees.role),
    distinct: true,
  });
  // A follow happens after both users joined, most of them soon after.
  const { rowCount } = await client.query(
    `INSERT INTO follows (follower_id, followee_id, created_at)
     SELECT p.a, p.b, s.start + ($1::timestamptz - s.start) * power(${uniform('p.a * 4294967296 + p.b', STREAM.followTime)}, 2)
       FROM seed_follow_pairs p
       JOIN users f ON f.id = p.a
       JOIN users t ON t.id = p.b
       CROSS JOIN LATERAL (SELECT greatest(f.created_at, t.created_at) + interval '1 minute' AS start) s
      ORDER BY 3`,
    [anchor],
  );
  return rowCount ?? 0;
}
