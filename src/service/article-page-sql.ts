import type { Queryable } from '../data/index.js';

/** One page of article ids, newest first, and the total that `articlesCount` reports. */
export interface Page {
  ids: string[];
  total: number;
}

export interface ListFilters {
  tag?: string | undefined;
  author?: string | undefined;
  favorited?: string | undefined;
}

// Each single-filter page walks one ordered index ($1 limit, $2 offset, $3 the name), so OFFSET
// skips index entries only, and the total is a counter that triggers maintain.
const ALL = `SELECT (SELECT value FROM counters WHERE name = 'articles')::int AS total,
  ARRAY(SELECT id FROM articles ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2)::text[] AS ids`;

const BY_AUTHOR = `SELECT u.articles_count AS total,
  ARRAY(SELECT a.id FROM articles a WHERE a.author_id = u.id
        ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2)::text[] AS ids
  FROM users u WHERE u.username = $3`;

const BY_TAG = `SELECT t.article_count AS total,
  ARRAY(SELECT at.article_id FROM article_tags at WHERE at.tag_id = t.id
        ORDER BY at.article_created_at DESC, at.article_id DESC LIMIT $1 OFFSET $2)::text[] AS ids
  FROM tags t WHERE t.name = $3`;

const BY_FAVORITED = `SELECT u.favorites_count AS total,
  ARRAY(SELECT f.article_id FROM favorites f WHERE f.user_id = u.id
        ORDER BY f.article_created_at DESC, f.article_id DESC LIMIT $1 OFFSET $2)::text[] AS ids
  FROM users u WHERE u.username = $3`;

// The feed takes at most limit + offset newest articles of each followee (one index range each), then
// merges them; a prolific followee costs a bounded range, not all of their articles.
const FEED = `SELECT
  (SELECT COALESCE(sum(u.articles_count), 0) FROM follows f JOIN users u ON u.id = f.followee_id
    WHERE f.follower_id = $3)::int AS total,
  ARRAY(SELECT x.id FROM follows f
        CROSS JOIN LATERAL (SELECT a.id, a.created_at FROM articles a WHERE a.author_id = f.followee_id
                            ORDER BY a.created_at DESC, a.id DESC LIMIT $1::bigint + $2::bigint) x
        WHERE f.follower_id = $3
        ORDER BY x.created_at DESC, x.id DESC LIMIT $1 OFFSET $2)::text[] AS ids`;

// Where each filter can drive the scan from: the id and creation time of the articles it matches.
const SOURCES = {
  author: {
    from: 'articles s',
    where: 's.author_id = (SELECT id FROM users WHERE username = $P)',
    id: 's.id',
    at: 's.created_at',
  },
  tag: {
    from: 'article_tags s',
    where: 's.tag_id = (SELECT id FROM tags WHERE name = $P)',
    id: 's.article_id',
    at: 's.article_created_at',
  },
  favorited: {
    from: 'favorites s',
    where: 's.user_id = (SELECT id FROM users WHERE username = $P)',
    id: 's.article_id',
    at: 's.article_created_at',
  },
} as const;

// The same filters as primary-key probes for one article id ($ID).
const PROBES = {
  author:
    'EXISTS(SELECT 1 FROM articles x WHERE x.id = $ID AND x.author_id = (SELECT id FROM users WHERE username = $P))',
  tag: 'EXISTS(SELECT 1 FROM article_tags x WHERE x.article_id = $ID AND x.tag_id = (SELECT id FROM tags WHERE name = $P))',
  favorited:
    'EXISTS(SELECT 1 FROM favorites x WHERE x.user_id = (SELECT id FROM users WHERE username = $P) AND x.article_id = $ID)',
} as const;

type FilterName = keyof typeof SOURCES;
const ORDER: FilterName[] = ['author', 'tag', 'favorited'];

/**
 * Several filters at once have no counter: the first filter drives an index range, the others probe
 * primary keys, and the total is counted over the matches (bounded by the driving filter).
 */
function combined(filters: [FilterName, string][]): { text: string; values: string[] } {
  const [driver, ...rest] = filters as [[FilterName, string], ...[FilterName, string][]];
  const source = SOURCES[driver[0]];
  const where = [source.where.replace('$P', '$3')];
  rest.forEach(([name], i) => {
    where.push(PROBES[name].replace('$ID', source.id).replace('$P', `$${i + 4}`));
  });
  const text = `WITH matched AS MATERIALIZED (
      SELECT ${source.id} AS id, ${source.at} AS at FROM ${source.from} WHERE ${where.join(' AND ')})
    SELECT (SELECT count(*) FROM matched)::int AS total,
      ARRAY(SELECT id FROM matched ORDER BY at DESC, id DESC LIMIT $1 OFFSET $2)::text[] AS ids`;
  return { text, values: filters.map(([, value]) => value) };
}

/** The page of `GET /articles` for these filters. */
export async function articlePage(
  q: Queryable,
  filters: ListFilters,
  limit: number,
  offset: number,
): Promise<Page> {
  const given = ORDER.filter((name) => filters[name] !== undefined).map((name) => [
    name,
    filters[name] as string,
  ]) as [FilterName, string][];
  let text: string;
  let values: unknown[] = [limit, offset];
  if (given.length === 0) text = ALL;
  else if (given.length === 1) {
    const [name, value] = given[0] as [FilterName, string];
    text = name === 'author' ? BY_AUTHOR : name === 'tag' ? BY_TAG : BY_FAVORITED;
    values = [limit, offset, value];
  } else {
    const c = combined(given);
    text = c.text;
    values = [limit, offset, ...c.values];
  }
  const { rows } = await q.query<Page>(text, values);
  return rows[0] ?? { ids: [], total: 0 };
}

/** The page of `GET /articles/feed`: articles by the users `viewerId` follows. */
export async function feedPage(q: Queryable, viewerId: string, limit: number, offset: number): Promise<Page> {
  const { rows } = await q.query<Page>(FEED, [limit, offset, viewerId]);
  return rows[0] ?? { ids: [], total: 0 };
}
