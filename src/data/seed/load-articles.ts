import type { SeedContext } from './context.js';
import { sentence, sqlArray } from './demo-text.js';
import { FAVORITE_PAIRS } from './load-favorites.js';
import { SHAPE, STREAM } from './shape.js';
import { hashOf, rankToId, uniform, zipfRank } from './sql-random.js';
import { articleDaysAgo, usersJoinedBy } from './timeline.js';
import { TAG_WORDS, TITLE_ADJECTIVES, TITLE_NOUNS, TITLE_VERBS } from './words.js';

const pick = (list: readonly string[], hash: string, shift: number) =>
  `(${sqlArray(list)})[1 + ((${hash} >> ${shift}) % ${list.length})::int]`;

/** SQL for a title from one of four templates, e.g. "How to train your dragon". */
function title(key: string): string {
  const h = hashOf(key, STREAM.articleTitle);
  const verb = pick(TITLE_VERBS, h, 8);
  const adj = pick(TITLE_ADJECTIVES, h, 16);
  const noun = pick(TITLE_NOUNS, h, 24);
  const adj2 = pick(TITLE_ADJECTIVES, h, 32);
  const noun2 = pick(TITLE_NOUNS, h, 40);
  const topic = pick(TAG_WORDS, h, 48);
  return `(CASE ${h} % 4
    WHEN 0 THEN 'How to ' || ${verb} || ' ' || ${adj} || ' ' || ${noun}
    WHEN 1 THEN initcap(${adj}) || ' ' || ${noun} || ': lessons from ' || ${topic}
    WHEN 2 THEN 'Why ' || ${adj} || ' ' || ${noun} || ' beat ' || ${adj2} || ' ' || ${noun2}
    ELSE 'We had to ' || ${verb} || ' our ' || ${noun} || ' in ' || ${topic} END)`;
}

/**
 * SQL for a body of 4 to 12 sentences in paragraphs of three. A correlated subquery per article is
 * still one statement: about 0.8 M sentences at the default sizes.
 */
function body(key: string): string {
  const n = `(4 + ${hashOf(key, STREAM.articleText)} % 9)`;
  return `(SELECT string_agg(${sentence(`(${key}) * 16 + k`, STREAM.articleText)},
                             CASE WHEN k % 3 = 1 THEN E'\\n\\n' ELSE ' ' END ORDER BY k)
             FROM generate_series(1, ${n}::int) k)`;
}

/**
 * Articles spread evenly over the span (created_at rises with id, with a few hours of jitter). The
 * author is drawn from a Zipf over the users who had joined by then, oldest first, so a few early
 * users wrote thousands and nobody writes before joining. Each article starts with the
 * favorites_count of the pairs `drawFavoritePairs` drew.
 */
export async function loadArticles({ client, sizes, anchor }: SeedContext): Promise<number> {
  const n = sizes.articles;
  const author = rankToId(
    zipfRank(uniform('g', STREAM.articleAuthor), 'd.joined', SHAPE.authors.s),
    sizes.users,
    0,
  );
  await client.query(
    `INSERT INTO articles (id, slug, title, description, body, author_id, favorites_count, created_at, updated_at)
     SELECT a.id, trim(both '-' from regexp_replace(lower(a.title), '[^a-z0-9]+', '-', 'g')) || '-' || a.id,
            a.title, ${sentence('a.id', STREAM.articleText + 100)}, ${body('a.id')}, a.author_id,
            coalesce(f.n, 0), a.at, a.at
       FROM (SELECT g AS id, ${author} AS author_id, ${title('g')} AS title,
                    $1::timestamptz - interval '1 day' * d.days_ago AS at
               FROM generate_series(1, ${n}::bigint) g
               CROSS JOIN LATERAL (SELECT ${articleDaysAgo('g', n, uniform('g', STREAM.articleTime))} AS days_ago) t
               CROSS JOIN LATERAL (SELECT t.days_ago, ${usersJoinedBy('t.days_ago', sizes.users)} AS joined) d) a
       LEFT JOIN (SELECT b AS article_id, count(*) AS n FROM ${FAVORITE_PAIRS} GROUP BY b) f ON f.article_id = a.id
      ORDER BY a.id`,
    [anchor],
  );
  return n;
}
