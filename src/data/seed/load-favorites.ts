import type { SeedContext } from './context.js';
import { SHAPE, STREAM } from './shape.js';
import { rankToId, uniform, zipfRank } from './sql-random.js';
import { drawUniquePairs } from './unique-pairs.js';

/** The temporary table of (user, article) favorite pairs, drawn before the articles exist. */
export const FAVORITE_PAIRS = 'seed_favorite_pairs';

/**
 * Draws who favorites what: heavy-tailed on both sides (a few users favorite thousands of articles,
 * a few articles collect thousands of favorites). Drawn before the articles are written, so each
 * article is inserted with its favorites_count instead of every article row being updated after.
 */
export async function drawFavoritePairs({ client, sizes }: SeedContext): Promise<number> {
  await drawUniquePairs(client, FAVORITE_PAIRS, sizes.favorites, {
    left: rankToId(
      zipfRank(uniform('g', STREAM.favoriteUser), sizes.users, SHAPE.favoriters.s),
      sizes.users,
      SHAPE.favoriters.role,
    ),
    right: rankToId(
      zipfRank(uniform('g', STREAM.favoriteArticle), sizes.articles, SHAPE.favorited.s),
      sizes.articles,
      SHAPE.favorited.role,
    ),
    distinct: false,
  });
  return sizes.favorites;
}

/** The favorites of the drawn pairs, each after its article was written and its user joined. */
export async function loadFavorites({ client, anchor }: SeedContext): Promise<number> {
  // Rows go in in time order, as a live table would have them.
  const { rowCount } = await client.query(
    `INSERT INTO favorites (user_id, article_id, article_created_at, created_at)
     SELECT p.a, p.b, ar.created_at,
            s.start + ($1::timestamptz - s.start) * power(${uniform('p.a * 4294967296 + p.b', STREAM.favoriteTime)}, 2)
       FROM ${FAVORITE_PAIRS} p
       JOIN articles ar ON ar.id = p.b
       JOIN users u ON u.id = p.a
       CROSS JOIN LATERAL (SELECT greatest(ar.created_at, u.created_at) + interval '1 minute' AS start) s
      ORDER BY 4`,
    [anchor],
  );
  return rowCount ?? 0;
}
