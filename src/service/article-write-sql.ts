import type { Queryable } from '../data/index.js';
import type { ModerationStatus } from './moderation-client.js';
import { slugOf } from './slug.js';

const INSERT = `INSERT INTO articles (slug, title, description, body, author_id, moderation_status)
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (slug) DO NOTHING RETURNING id, slug, created_at`;

// Upserts the tags in name order (so concurrent writers lock tag rows in the same order and cannot
// deadlock) and links them with their position. DO UPDATE, not DO NOTHING: it returns the id of a tag
// that a concurrent transaction committed after this statement's snapshot, which DO NOTHING would drop.
const LINK_TAGS = `WITH input AS (SELECT name, ord FROM unnest($2::text[]) WITH ORDINALITY AS i(name, ord)),
  upserted AS (
    INSERT INTO tags (name) SELECT name FROM input ORDER BY name
    ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id, name)
  INSERT INTO article_tags (article_id, tag_id, position, article_created_at)
  SELECT $1, u.id, i.ord, $3 FROM input i JOIN upserted u ON u.name = i.name`;

export interface NewArticle {
  title: string;
  description: string;
  body: string;
  tags: string[];
  authorId: string;
  moderationStatus: ModerationStatus;
}

/** Inserts an article and its tags (inside the caller's transaction); returns its slug. */
export async function insertArticle(tx: Queryable, a: NewArticle): Promise<string> {
  // A random suffix collides about never; three tries turn "about never" into "never".
  for (let attempt = 0; ; attempt++) {
    const { rows } = await tx.query<{ id: string; slug: string; created_at: Date }>(INSERT, [
      slugOf(a.title),
      a.title,
      a.description,
      a.body,
      a.authorId,
      a.moderationStatus,
    ]);
    const row = rows[0];
    if (row) {
      if (a.tags.length > 0) await tx.query(LINK_TAGS, [row.id, a.tags, row.created_at]);
      return row.slug;
    }
    if (attempt >= 2) throw new Error('could not find a free slug');
  }
}

export interface ArticleChanges {
  title?: string | undefined;
  description?: string | undefined;
  body?: string | undefined;
  tags?: string[] | undefined;
}

// Updates only when the viewer is the author; otherwise the second row tells 404 from 403.
const UPDATE = `UPDATE articles SET title = COALESCE($3, title), description = COALESCE($4, description),
    body = COALESCE($5, body), updated_at = now()
  WHERE slug = $1 AND author_id = $2 RETURNING id, created_at`;

export type Ownership = { ok: true; id: string; createdAt: Date } | { ok: false; exists: boolean };

/** Applies `changes` to the viewer's article (inside the caller's transaction). */
export async function updateArticle(
  tx: Queryable,
  slug: string,
  authorId: string,
  changes: ArticleChanges,
): Promise<Ownership> {
  const { rows } = await tx.query<{ id: string; created_at: Date }>(UPDATE, [
    slug,
    authorId,
    changes.title ?? null,
    changes.description ?? null,
    changes.body ?? null,
  ]);
  const row = rows[0];
  if (!row) return { ok: false, exists: await articleExists(tx, slug) };
  if (changes.tags !== undefined) {
    await tx.query('DELETE FROM article_tags WHERE article_id = $1', [row.id]);
    if (changes.tags.length > 0) await tx.query(LINK_TAGS, [row.id, changes.tags, row.created_at]);
  }
  return { ok: true, id: row.id, createdAt: row.created_at };
}

/** Deletes the viewer's article; comments, tags and favorites go with it (cascade, counters by trigger). */
export async function deleteArticle(q: Queryable, slug: string, authorId: string): Promise<Ownership> {
  const { rows } = await q.query<{ id: string; created_at: Date }>(
    'DELETE FROM articles WHERE slug = $1 AND author_id = $2 RETURNING id, created_at',
    [slug, authorId],
  );
  const row = rows[0];
  return row
    ? { ok: true, id: row.id, createdAt: row.created_at }
    : { ok: false, exists: await articleExists(q, slug) };
}

async function articleExists(q: Queryable, slug: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM articles WHERE slug = $1', [slug]);
  return rows.length > 0;
}
