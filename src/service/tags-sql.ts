import type { Queryable } from '../data/index.js';

// Tags in use, most used first (tags_popular_idx). Bounded so that a tag spammer cannot make this
// response grow without limit.
export const MAX_TAGS = 10_000;

export async function popularTags(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ name: string }>(
    'SELECT name FROM tags WHERE article_count > 0 ORDER BY article_count DESC, name LIMIT $1',
    [MAX_TAGS],
  );
  return rows.map((r) => r.name);
}
