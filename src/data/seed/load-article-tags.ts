import type { SeedContext } from './context.js';
import { SHAPE, STREAM } from './shape.js';
import { hashOf, rankToId, uniform, zipfRank } from './sql-random.js';

/**
 * 0 to 6 distinct tags per article (3 on average), drawn from a Zipf over tags. Each article draws
 * twice as many candidates as it needs and keeps the first distinct ones, so popular tags colliding
 * on one article rarely cost it a tag; `position` is the order of the draws.
 */
export async function loadArticleTags({ client, sizes }: SeedContext): Promise<number> {
  const tags = sizes.tags;
  const wanted = `least(${tags}, ${hashOf('id', STREAM.tagCount)} % ${SHAPE.tagsPerArticleMax + 1})`;
  const tag = rankToId(
    zipfRank(uniform('a.id * 32 + k', STREAM.tagPick), tags, SHAPE.tags.s),
    tags,
    SHAPE.tags.role,
  );
  const { rowCount } = await client.query(
    `INSERT INTO article_tags (article_id, tag_id, position, article_created_at)
     SELECT article_id, tag_id, (rank - 1)::smallint, created_at
       FROM (SELECT article_id, tag_id, created_at, wanted,
                    row_number() OVER (PARTITION BY article_id ORDER BY first_draw) AS rank
               FROM (SELECT a.id AS article_id, ${tag} AS tag_id, min(k) AS first_draw,
                            min(a.created_at) AS created_at, min(a.wanted) AS wanted
                       FROM (SELECT id, created_at, ${wanted} AS wanted FROM articles) a
                       CROSS JOIN LATERAL generate_series(1, 2 * a.wanted + 2) k
                      WHERE a.wanted > 0
                      GROUP BY a.id, 2) d) r
      WHERE rank <= wanted
      ORDER BY article_id, rank`,
  );
  return rowCount ?? 0;
}
