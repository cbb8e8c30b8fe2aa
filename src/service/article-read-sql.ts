import type { Queryable } from '../data/index.js';
import type { ArticleRow } from './presenters.js';

// The columns of one article as the viewer ($viewer, null when anonymous) sees it. Tags, `favorited`
// and `following` are primary-key lookups per returned row, never per skipped row.
const columns = (viewer: string, withBody: boolean) => `
  a.id, a.slug, a.title, a.description, ${withBody ? 'a.body,' : ''}
  a.created_at, a.updated_at, a.favorites_count,
  ARRAY(SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
        WHERE at.article_id = a.id ORDER BY at.position) AS tag_list,
  EXISTS(SELECT 1 FROM favorites f WHERE f.user_id = ${viewer} AND f.article_id = a.id) AS favorited,
  u.username AS author_username, u.bio AS author_bio, u.image AS author_image,
  EXISTS(SELECT 1 FROM follows fo WHERE fo.follower_id = ${viewer} AND fo.followee_id = a.author_id) AS following`;

const BY_SLUG = `SELECT ${columns('$2::bigint', true)}
  FROM articles a JOIN users u ON u.id = a.author_id WHERE a.slug = $1`;

const BY_IDS = `SELECT ${columns('$2::bigint', false)}
  FROM unnest($1::bigint[]) WITH ORDINALITY AS p(id, ord)
  JOIN articles a ON a.id = p.id JOIN users u ON u.id = a.author_id
  ORDER BY p.ord`;

/** One article with its body, or null. */
export async function articleBySlug(
  q: Queryable,
  slug: string,
  viewerId: string | null,
): Promise<ArticleRow | null> {
  const { rows } = await q.query<ArticleRow>(BY_SLUG, [slug, viewerId]);
  return rows[0] ?? null;
}

/** A page of articles (no body) in the order of `ids`, in one statement whatever the page size. */
export async function articlesByIds(
  q: Queryable,
  ids: string[],
  viewerId: string | null,
): Promise<ArticleRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<ArticleRow>(BY_IDS, [ids, viewerId]);
  return rows;
}
