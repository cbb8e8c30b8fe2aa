import type { Queryable } from '../data/index.js';
import type { ArticleRow, SharedArticleRow } from './presenters.js';

// The columns of one article that are the same for every reader. Tags are primary-key lookups per
// returned row, never per skipped row.
const shared = (withBody: boolean) => `
  a.id, a.author_id, a.slug, a.title, a.description, ${withBody ? 'a.body,' : ''}
  a.created_at, a.updated_at, a.favorites_count,
  ARRAY(SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
        WHERE at.article_id = a.id ORDER BY at.position) AS tag_list,
  u.username AS author_username, u.bio AS author_bio, u.image AS author_image`;

// Plus what the viewer ($2, null when anonymous) sees: primary-key probes per returned row.
const columns = (withBody: boolean) => `${shared(withBody)},
  EXISTS(SELECT 1 FROM favorites f WHERE f.user_id = $2::bigint AND f.article_id = a.id) AS favorited,
  EXISTS(SELECT 1 FROM follows fo WHERE fo.follower_id = $2::bigint AND fo.followee_id = a.author_id) AS following`;

const FROM_SLUG = 'FROM articles a JOIN users u ON u.id = a.author_id WHERE a.slug = $1';
const FROM_IDS = `FROM unnest($1::bigint[]) WITH ORDINALITY AS p(id, ord)
  JOIN articles a ON a.id = p.id JOIN users u ON u.id = a.author_id
  ORDER BY p.ord`;

const BY_SLUG = `SELECT ${columns(true)} ${FROM_SLUG}`;
const BY_IDS = `SELECT ${columns(false)} ${FROM_IDS}`;
const SHARED_BY_SLUG = `SELECT ${shared(true)} ${FROM_SLUG}`;
const SHARED_BY_IDS = `SELECT ${shared(false)} ${FROM_IDS}`;

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

/** One article with its body as every reader sees it (no per-user flags), or null; cacheable. */
export async function sharedArticleBySlug(q: Queryable, slug: string): Promise<SharedArticleRow | null> {
  const { rows } = await q.query<SharedArticleRow>(SHARED_BY_SLUG, [slug]);
  return rows[0] ?? null;
}

/** `articlesByIds` without the per-user flags; cacheable. */
export async function sharedArticlesByIds(q: Queryable, ids: string[]): Promise<SharedArticleRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<SharedArticleRow>(SHARED_BY_IDS, [ids]);
  return rows;
}
