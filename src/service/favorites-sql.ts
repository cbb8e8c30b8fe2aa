import type { Queryable } from '../data/index.js';

// article_created_at is copied so that "favorited by X" pages walk favorites_user_created_idx in order.
const FAVORITE = `WITH a AS (SELECT id, created_at FROM articles WHERE slug = $1),
  ins AS (INSERT INTO favorites (user_id, article_id, article_created_at)
          SELECT $2, id, created_at FROM a ON CONFLICT DO NOTHING)
  SELECT id FROM a`;

const UNFAVORITE = `WITH a AS (SELECT id FROM articles WHERE slug = $1),
  del AS (DELETE FROM favorites WHERE user_id = $2 AND article_id = (SELECT id FROM a))
  SELECT id FROM a`;

/** Favorites (idempotently); false when no article has this slug. */
export async function favorite(q: Queryable, slug: string, userId: string): Promise<boolean> {
  const { rows } = await q.query(FAVORITE, [slug, userId]);
  return rows.length > 0;
}

/** Unfavorites (idempotently); false when no article has this slug. */
export async function unfavorite(q: Queryable, slug: string, userId: string): Promise<boolean> {
  const { rows } = await q.query(UNFAVORITE, [slug, userId]);
  return rows.length > 0;
}
