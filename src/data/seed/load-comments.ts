import type { SeedContext } from './context.js';
import { sentence } from './demo-text.js';
import { SHAPE, STREAM } from './shape.js';
import { hashOf, rankToId, uniform, zipfRank } from './sql-random.js';

/**
 * Comments on Zipf-popular articles by heavy-tailed commenters, after the article and the commenter
 * exist; ids rise with created_at, as they would have been assigned live.
 */
export async function loadComments({ client, sizes, anchor }: SeedContext): Promise<number> {
  if (sizes.comments === 0) return 0;
  const article = rankToId(
    zipfRank(uniform('g', STREAM.commentArticle), sizes.articles, SHAPE.commented.s),
    sizes.articles,
    SHAPE.commented.role,
  );
  const author = rankToId(
    zipfRank(uniform('g', STREAM.commentAuthor), sizes.users, SHAPE.commenters.s),
    sizes.users,
    SHAPE.commenters.role,
  );
  const sentences = `(1 + ${hashOf('c.seq', STREAM.commentText)} % 3)`;
  const { rowCount } = await client.query(
    `INSERT INTO comments (id, article_id, author_id, body, created_at, updated_at)
     SELECT row_number() OVER (ORDER BY c.at, c.seq), c.article_id, c.author_id,
            (SELECT string_agg(${sentence('c.seq * 4 + k', STREAM.commentText + 100)}, ' ' ORDER BY k)
               FROM generate_series(1, ${sentences}::int) k),
            c.at, c.at
       FROM (SELECT d.seq, d.article_id, d.author_id,
                    s.start + ($1::timestamptz - s.start) * power(${uniform('d.seq', STREAM.commentTime)}, 3) AS at
               FROM (SELECT g AS seq, ${article} AS article_id, ${author} AS author_id
                       FROM generate_series(1, ${sizes.comments}::bigint) g) d
               JOIN articles ar ON ar.id = d.article_id
               JOIN users u ON u.id = d.author_id
               CROSS JOIN LATERAL (SELECT greatest(ar.created_at, u.created_at) + interval '1 minute' AS start) s) c
      ORDER BY 1`,
    [anchor],
  );
  return rowCount ?? 0;
}
