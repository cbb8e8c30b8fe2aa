import type { SeedContext } from './context.js';
import { sqlArray } from './demo-text.js';
import { TAG_WORDS } from './words.js';

/**
 * Tags named from a word list, most popular first: single words, then word pairs, then numbered
 * pairs, so names stay unique at any count.
 */
export async function loadTags({ client, sizes }: SeedContext): Promise<number> {
  const w = TAG_WORDS.length;
  await client.query(
    `INSERT INTO tags (id, name, article_count)
     SELECT g, CASE
                 WHEN g <= ${w} THEN words[g]
                 WHEN g <= ${w * w} THEN words[1 + (g - 1) % ${w}] || '-' || words[1 + (g - 1) / ${w}]
                 ELSE words[1 + (g - 1) % ${w}] || '-' || words[1 + ((g - 1) / ${w}) % ${w}] || '-' || g
               END, 0
       FROM generate_series(1, $1::int) g, (SELECT ${sqlArray(TAG_WORDS)} AS words) v`,
    [sizes.tags],
  );
  return sizes.tags;
}
