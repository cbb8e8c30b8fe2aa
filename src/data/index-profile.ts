import type pg from 'pg';

/**
 * The indexes that the seed's stack did not have: the ones behind listing by author (and so the
 * feed), by tag, by favorited, and an article's comments. The pre-incident profile drops them to
 * reproduce the outage; the hardened profile puts them back. The definitions are the migration's.
 */
export const SEED_MISSING_INDEXES = [
  {
    name: 'articles_author_created_idx',
    definition: 'ON articles (author_id, created_at DESC, id DESC)',
  },
  {
    name: 'article_tags_tag_created_idx',
    definition: 'ON article_tags (tag_id, article_created_at DESC, article_id DESC)',
  },
  {
    name: 'favorites_user_created_idx',
    definition: 'ON favorites (user_id, article_created_at DESC, article_id DESC)',
  },
  { name: 'comments_article_idx', definition: 'ON comments (article_id, id)' },
] as const;

export type IndexProfile = 'hardened' | 'pre-incident';

/** Drops (pre-incident) or restores (hardened) the seed's missing indexes; returns what changed. */
export async function applyIndexProfile(client: pg.ClientBase, profile: IndexProfile): Promise<string[]> {
  const { rows } = await client.query<{ indexname: string }>(
    'SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY($1)',
    [SEED_MISSING_INDEXES.map((i) => i.name)],
  );
  const present = new Set(rows.map((r) => r.indexname));
  const changed: string[] = [];
  for (const index of SEED_MISSING_INDEXES) {
    if (profile === 'pre-incident' && present.has(index.name)) {
      await client.query(`DROP INDEX ${index.name}`);
      changed.push(`dropped ${index.name}`);
    } else if (profile === 'hardened' && !present.has(index.name)) {
      await client.query(`CREATE INDEX ${index.name} ${index.definition}`);
      changed.push(`created ${index.name}`);
    }
  }
  if (changed.length > 0) await client.query('ANALYZE');
  return changed;
}
