import type { Queryable } from '../data/index.js';
import type { ModerationStatus } from './moderation-client.js';
import type { CommentRow, SharedCommentRow } from './presenters.js';

const INSERT = `WITH c AS (
    INSERT INTO comments (article_id, author_id, body, moderation_status)
    SELECT id, $2, $3, $4 FROM articles WHERE slug = $1
    RETURNING id, author_id, body, created_at, updated_at)
  SELECT c.id, c.body, c.created_at, c.updated_at, u.username AS author_username, u.bio AS author_bio,
    u.image AS author_image, false AS following
  FROM c JOIN users u ON u.id = c.author_id`;

// A left join so that an article without comments (one row of nulls) differs from no article (no row).
const LIST = `SELECT c.id, c.body, c.created_at, c.updated_at, u.username AS author_username,
    u.bio AS author_bio, u.image AS author_image,
    EXISTS(SELECT 1 FROM follows fo WHERE fo.follower_id = $2::bigint AND fo.followee_id = c.author_id) AS following
  FROM articles a LEFT JOIN comments c ON c.article_id = a.id LEFT JOIN users u ON u.id = c.author_id
  WHERE a.slug = $1 ORDER BY c.id`;

const SHARED_LIST = `SELECT c.id, c.author_id, c.body, c.created_at, c.updated_at, u.username AS author_username,
    u.bio AS author_bio, u.image AS author_image
  FROM articles a LEFT JOIN comments c ON c.article_id = a.id LEFT JOIN users u ON u.id = c.author_id
  WHERE a.slug = $1 ORDER BY c.id`;

// Deletes only the viewer's own comment on this article, and says why when it did not.
const DELETE = `WITH a AS (SELECT id FROM articles WHERE slug = $1),
  c AS (SELECT id, author_id FROM comments WHERE id = $2 AND article_id = (SELECT id FROM a)),
  d AS (DELETE FROM comments WHERE id = (SELECT id FROM c) AND author_id = $3 RETURNING id)
  SELECT EXISTS(SELECT 1 FROM a) AS article, EXISTS(SELECT 1 FROM c) AS comment, EXISTS(SELECT 1 FROM d) AS deleted`;

/** The new comment, or null when no article has this slug. */
export async function insertComment(
  q: Queryable,
  slug: string,
  authorId: string,
  body: string,
  moderationStatus: ModerationStatus = 'unchecked',
): Promise<CommentRow | null> {
  const { rows } = await q.query<CommentRow>(INSERT, [slug, authorId, body, moderationStatus]);
  return rows[0] ?? null;
}

/** The article's comments, oldest first, or null when no article has this slug. */
export async function listComments(
  q: Queryable,
  slug: string,
  viewerId: string | null,
): Promise<CommentRow[] | null> {
  const { rows } = await q.query<CommentRow & { id: string | null }>(LIST, [slug, viewerId]);
  if (rows.length === 0) return null;
  return rows.filter((r) => r.id !== null);
}

/** `listComments` without `following`; cacheable. */
export async function sharedComments(q: Queryable, slug: string): Promise<SharedCommentRow[] | null> {
  const { rows } = await q.query<SharedCommentRow & { id: string | null }>(SHARED_LIST, [slug]);
  if (rows.length === 0) return null;
  return rows.filter((r) => r.id !== null);
}

export interface DeleteOutcome {
  article: boolean;
  comment: boolean;
  deleted: boolean;
}

export async function deleteComment(
  q: Queryable,
  slug: string,
  id: number,
  userId: string,
): Promise<DeleteOutcome> {
  const { rows } = await q.query<DeleteOutcome>(DELETE, [slug, id, userId]);
  return rows[0] ?? { article: false, comment: false, deleted: false };
}
