import assert from 'node:assert/strict';
import { scrypt, timingSafeEqual } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import {
  DEFAULT_DEMO_PASSWORD,
  type DemoSizes,
  demoUser,
  isDatabaseEmpty,
  seedDemo,
  sizeProblems,
} from '../../src/data/index.js';
import { verifyPassword } from '../../src/service/password.js';
import { seedInto, startScratchDatabase, TEST_ANCHOR } from '../support/seeded.js';
import type { TestDatabase } from '../support/stack.js';

const SIZES: DemoSizes = {
  users: 500,
  articles: 5000,
  follows: 5000,
  favorites: 20_000,
  comments: 10_000,
  tags: 100,
};

let database: TestDatabase;
let client: pg.Client;
let freshSchema: string;

const one = async <T>(sql: string, values: unknown[] = []): Promise<T> => {
  const { rows } = await client.query(sql, values);
  return Object.values(rows[0] as object)[0] as T;
};

/** Every index, constraint and trigger with its definition and state: what a seed must not change. */
async function schemaSnapshot(): Promise<string> {
  const { rows } = await client.query(`
    SELECT 'index ' || indexname || ': ' || indexdef AS item FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass || '.' || conname || ': ' || pg_get_constraintdef(oid)
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'trigger ' || tgrelid::regclass || '.' || tgname || ' enabled=' || tgenabled::text
      FROM pg_trigger WHERE tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
    UNION ALL
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
      FROM information_schema.columns WHERE table_schema = 'public'
    ORDER BY 1`);
  return rows.map((r) => r.item).join('\n');
}

/** md5 of every row of every seeded table in primary-key order: equal means identical data. */
async function checksums(): Promise<Record<string, string>> {
  const keys: Record<string, string> = {
    users: 'id',
    tags: 'id',
    articles: 'id',
    article_tags: 'article_id, tag_id',
    follows: 'follower_id, followee_id',
    favorites: 'user_id, article_id',
    comments: 'id',
    counters: 'name',
  };
  const out: Record<string, string> = {};
  for (const [table, key] of Object.entries(keys)) {
    out[table] = await one<string>(`SELECT md5(string_agg(t::text, E'\\n' ORDER BY ${key})) FROM ${table} t`);
  }
  return out;
}

before(async () => {
  database = await startScratchDatabase();
  client = new pg.Client(database.url);
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'");
  freshSchema = await schemaSnapshot();
  assert.equal(await isDatabaseEmpty(client), true);
  await seedInto(database.url, SIZES);
});

after(async () => {
  await client?.end();
  await database?.stop();
});

test('the seed writes exactly the requested rows, about three tags per article, and sets the counters row', async () => {
  for (const table of ['users', 'articles', 'follows', 'favorites', 'comments', 'tags'] as const) {
    assert.equal(Number(await one(`SELECT count(*) FROM ${table}`)), SIZES[table], table);
  }
  const perArticle = Number(await one('SELECT count(*) FROM article_tags')) / SIZES.articles;
  assert.ok(perArticle > 2.7 && perArticle < 3.3, `tags per article: ${perArticle}`);
  assert.equal(Number(await one("SELECT value FROM counters WHERE name = 'articles'")), SIZES.articles);
  assert.equal(await isDatabaseEmpty(client), false);
});

test('every invariant of the schema and of the story holds', async () => {
  const zero = async (what: string, sql: string, values: unknown[] = []) =>
    assert.equal(Number(await one(sql, values)), 0, what);
  await zero('self-follows', 'SELECT count(*) FROM follows WHERE follower_id = followee_id');
  await zero(
    'favorites.article_created_at differs from the article',
    'SELECT count(*) FROM favorites f JOIN articles a ON a.id = f.article_id WHERE f.article_created_at <> a.created_at',
  );
  await zero(
    'article_tags.article_created_at differs from the article',
    'SELECT count(*) FROM article_tags t JOIN articles a ON a.id = t.article_id WHERE t.article_created_at <> a.created_at',
  );
  await zero(
    'article_tags positions are not 0..n-1',
    `SELECT count(*) FROM (SELECT article_id FROM article_tags GROUP BY article_id
                           HAVING min(position) <> 0 OR max(position) <> count(*) - 1 OR count(DISTINCT position) <> count(*)) x`,
  );
  await zero('duplicate slugs', 'SELECT count(*) - count(DISTINCT slug) FROM articles');
  await zero('duplicate emails', 'SELECT count(*) - count(DISTINCT lower(email)) FROM users');
  await zero('duplicate usernames', 'SELECT count(*) - count(DISTINCT username) FROM users');
  // The load skips foreign-key checks when it may, so every reference is checked here instead.
  for (const [table, column, target] of [
    ['follows', 'follower_id', 'users'],
    ['follows', 'followee_id', 'users'],
    ['articles', 'author_id', 'users'],
    ['article_tags', 'article_id', 'articles'],
    ['article_tags', 'tag_id', 'tags'],
    ['favorites', 'user_id', 'users'],
    ['favorites', 'article_id', 'articles'],
    ['comments', 'article_id', 'articles'],
    ['comments', 'author_id', 'users'],
  ] as const) {
    await zero(
      `${table}.${column} without its ${target} row`,
      `SELECT count(*) FROM ${table} x WHERE NOT EXISTS (SELECT 1 FROM ${target} y WHERE y.id = x.${column})`,
    );
  }
  // Counters equal the real counts.
  await zero(
    'users.articles_count',
    'SELECT count(*) FROM users u WHERE articles_count <> (SELECT count(*) FROM articles a WHERE a.author_id = u.id)',
  );
  await zero(
    'users.favorites_count',
    'SELECT count(*) FROM users u WHERE favorites_count <> (SELECT count(*) FROM favorites f WHERE f.user_id = u.id)',
  );
  await zero(
    'articles.favorites_count',
    'SELECT count(*) FROM articles a WHERE favorites_count <> (SELECT count(*) FROM favorites f WHERE f.article_id = a.id)',
  );
  await zero(
    'tags.article_count',
    'SELECT count(*) FROM tags t WHERE article_count <> (SELECT count(*) FROM article_tags x WHERE x.tag_id = t.id)',
  );
  // Time runs forward: nothing before its author, article or followee existed; all within two years.
  await zero(
    'article before its author',
    'SELECT count(*) FROM articles a JOIN users u ON u.id = a.author_id WHERE a.created_at <= u.created_at',
  );
  await zero(
    'favorite before its article',
    'SELECT count(*) FROM favorites f WHERE f.created_at <= f.article_created_at',
  );
  await zero(
    'comment before its article or author',
    `SELECT count(*) FROM comments c JOIN articles a ON a.id = c.article_id JOIN users u ON u.id = c.author_id
      WHERE c.created_at <= a.created_at OR c.created_at <= u.created_at`,
  );
  await zero(
    'follow before both users',
    `SELECT count(*) FROM follows f JOIN users a ON a.id = f.follower_id JOIN users b ON b.id = f.followee_id
      WHERE f.created_at <= a.created_at OR f.created_at <= b.created_at`,
  );
  for (const table of ['users', 'articles', 'follows', 'favorites', 'comments']) {
    await zero(
      `${table}.created_at outside the demo span`,
      `SELECT count(*) FROM ${table} WHERE created_at >= $1 OR created_at < $1::timestamptz - interval '800 days'`,
      [TEST_ANCHOR],
    );
  }
  await zero(
    'comment ids out of time order',
    'SELECT count(*) FROM comments a JOIN comments b ON b.id = a.id + 1 WHERE b.created_at < a.created_at',
  );
  const articleOrder = Number(await one('SELECT corr(id, extract(epoch FROM created_at)) FROM articles'));
  assert.ok(articleOrder > 0.99, `articles' created_at rises with id (correlation ${articleOrder})`);
});

test('the schema after seeding is the migrated schema: same indexes, constraints, triggers (enabled)', async () => {
  assert.equal(await schemaSnapshot(), freshSchema);
  // The counting triggers are back on: an insert moves the counters.
  await client.query('BEGIN');
  try {
    await client.query(
      "INSERT INTO articles (slug, title, description, body, author_id) VALUES ('trigger-check', 't', 'd', 'b', 1)",
    );
    assert.equal(Number(await one("SELECT value FROM counters WHERE name = 'articles'")), SIZES.articles + 1);
  } finally {
    await client.query('ROLLBACK');
  }
});

test('identity sequences are past the seeded ids, so rows the API inserts get fresh ids', async () => {
  for (const table of ['users', 'articles', 'tags', 'comments']) {
    // At least: a rolled-back insert in another test may have taken a value since.
    const last = Number(await one(`SELECT last_value FROM ${table}_id_seq`));
    assert.ok(last >= Number(await one(`SELECT max(id) FROM ${table}`)), table);
    assert.equal(await one<boolean>(`SELECT is_called FROM ${table}_id_seq`), true, table);
  }
});

test('the data is skewed like real traffic: a few authors, tags, articles and users dominate', async () => {
  const topAuthorsShare = Number(
    await one(
      `SELECT sum(n)::float8 / ${SIZES.articles} FROM (SELECT articles_count AS n FROM users ORDER BY n DESC LIMIT ${SIZES.users / 100}) t`,
    ),
  );
  assert.ok(topAuthorsShare > 0.25, `top 1% of authors hold ${topAuthorsShare} of the articles`);
  const [topTag, medianTag] = (
    await client.query(
      'SELECT max(article_count) AS top, percentile_disc(0.5) WITHIN GROUP (ORDER BY article_count) AS median FROM tags',
    )
  ).rows.map((r) => [Number(r.top), Number(r.median)])[0] as [number, number];
  assert.ok(topTag > 10 * medianTag, `top tag ${topTag} vs median ${medianTag}`);
  const fav = (
    await client.query(
      'SELECT max(favorites_count) AS top, percentile_disc(0.5) WITHIN GROUP (ORDER BY favorites_count) AS median FROM articles',
    )
  ).rows[0] as { top: number; median: number };
  assert.ok(
    fav.top > 20 * Math.max(1, fav.median),
    `most favorited article ${fav.top} vs median ${fav.median}`,
  );
  const follows = (
    await client.query(
      `SELECT max(n) AS top, percentile_disc(0.5) WITHIN GROUP (ORDER BY n) AS median
       FROM (SELECT count(*) AS n FROM follows GROUP BY follower_id) t`,
    )
  ).rows[0] as { top: string; median: string };
  assert.ok(
    Number(follows.top) > 20 * Number(follows.median),
    `heaviest follower ${follows.top} vs median ${follows.median}`,
  );
});

test('every demo user has the demo password, in the scrypt format the login verifies', async () => {
  assert.equal(Number(await one('SELECT count(DISTINCT password_hash) FROM users')), 1);
  const stored = await one<string>('SELECT password_hash FROM users WHERE id = 1');
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  assert.equal(scheme, 'scrypt');
  assert.deepEqual([n, r, p], ['16384', '8', '1']);
  assert.equal(Buffer.from(salt as string, 'base64').length, 16);
  const expected = Buffer.from(hash as string, 'base64');
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      DEFAULT_DEMO_PASSWORD,
      Buffer.from(salt as string, 'base64'),
      expected.length,
      { N: 16384, r: 8, p: 1 },
      (err, k) => (err ? reject(err) : resolve(k)),
    ),
  );
  assert.ok(timingSafeEqual(key, expected), 'node:crypto scrypt reproduces the stored hash');
  assert.equal(
    await verifyPassword(DEFAULT_DEMO_PASSWORD, stored),
    true,
    "the service's verifyPassword accepts it",
  );
  assert.equal(await verifyPassword('wrong-password', stored), false);
});

test('demoUser(id) names the seeded user with that id', async () => {
  const { rows } = await client.query(
    'SELECT id, username, email FROM users WHERE id = ANY($1) ORDER BY id',
    [[1, 2, 250, 500]],
  );
  for (const row of rows)
    assert.deepEqual({ username: row.username, email: row.email }, demoUser(Number(row.id)));
});

test('a database with users is refused without replace; with replace the same sizes give identical data', async () => {
  const first = await checksums();
  const seedClient = new pg.Client(database.url);
  await seedClient.connect();
  try {
    const refused = await seedDemo(seedClient, SIZES, { anchor: TEST_ANCHOR });
    assert.equal(refused.ok, false);
    assert.deepEqual(await checksums(), first, 'a refused seed changes nothing');
  } finally {
    await seedClient.end();
  }
  const { steps } = await seedInto(database.url, SIZES, { replace: true });
  assert.equal(steps[0]?.step, 'truncate');
  assert.deepEqual(await checksums(), first);
});

test('sizes that cannot be seeded are refused with every reason', () => {
  assert.deepEqual(sizeProblems(SIZES), []);
  const problems = sizeProblems({ users: 3, articles: 0, follows: 5, favorites: 2, comments: -1, tags: 1 });
  assert.equal(problems.length, 2, problems.join('; '));
  assert.equal(
    sizeProblems({ users: 3, articles: 2, follows: 4, favorites: 3, comments: 0, tags: 1 }).length,
    1,
  );
});
