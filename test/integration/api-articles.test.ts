import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { callApi } from '../support/api-client.js';
import { startTestApp, startTestDatabase, type TestApp, type TestDatabase } from '../support/stack.js';

let database: TestDatabase;
let api: TestApp;
let sql: pg.Client;
const tokens: Record<string, string> = {};

const call = (method: string, path: string, who?: string, body?: unknown) =>
  callApi(api.baseUrl, method, path, who ? tokens[who] : undefined, body);

async function article(who: string, title: string, tagList: string[] = []): Promise<string> {
  const res = await call('POST', '/articles', who, {
    article: { title, description: 'd', body: 'b', tagList },
  });
  assert.equal(res.status, 201);
  return res.body.article.slug;
}

before(async () => {
  database = await startTestDatabase();
  api = await startTestApp(database.url);
  sql = new pg.Client(database.url);
  await sql.connect();
  for (const name of ['ann', 'ben', 'cat']) {
    const res = await call('POST', '/users', undefined, {
      user: { username: name, email: `${name}@example.com`, password: 'password123' },
    });
    tokens[name] = res.body.user.token;
  }
});

after(async () => {
  await sql?.end();
  await api?.close();
  await database?.stop();
});

test('twenty concurrent articles with one title get twenty distinct slugs', async () => {
  const slugs = await Promise.all(Array.from({ length: 20 }, () => article('cat', 'Same Title')));
  assert.equal(new Set(slugs).size, 20);
  for (const slug of slugs) assert.match(slug, /^same-title-[0-9a-z]{8}$/);
  const { rows } = await sql.query("SELECT count(*)::int AS n FROM articles WHERE title = 'Same Title'");
  assert.equal(rows[0].n, 20);
  for (const slug of slugs) assert.equal((await call('DELETE', `/articles/${slug}`, 'cat')).status, 204);
});

test('concurrent articles sharing new tags link every tag once and count it exactly', async () => {
  const slugs = await Promise.all(
    Array.from({ length: 10 }, (_, i) => article('cat', `Tagged ${i}`, ['fresh', 'new', `own${i}`])),
  );
  const { rows } = await sql.query(
    "SELECT name, article_count FROM tags WHERE name IN ('fresh', 'new') ORDER BY name",
  );
  assert.deepEqual(rows, [
    { name: 'fresh', article_count: 10 },
    { name: 'new', article_count: 10 },
  ]);
  for (const slug of slugs) {
    const got = await call('GET', `/articles/${slug}`);
    assert.equal(got.body.article.tagList.length, 3);
    await call('DELETE', `/articles/${slug}`, 'cat');
  }
  const after = await sql.query(
    "SELECT sum(article_count)::int AS n FROM tags WHERE name IN ('fresh', 'new')",
  );
  assert.equal(after.rows[0].n, 0);
  assert.deepEqual(
    (await call('GET', '/tags')).body.tags.filter((t: string) => t === 'fresh'),
    [],
  );
});

test('tags keep the order the author gave, without duplicates, and tagList [] clears them', async () => {
  const slug = await article('ann', 'Ordered', ['zeta', 'alpha', 'zeta', ' mid ']);
  assert.deepEqual((await call('GET', `/articles/${slug}`)).body.article.tagList, ['zeta', 'alpha', 'mid']);
  const updated = await call('PUT', `/articles/${slug}`, 'ann', { article: { tagList: ['beta', 'alpha'] } });
  assert.deepEqual(updated.body.article.tagList, ['beta', 'alpha']);
  const cleared = await call('PUT', `/articles/${slug}`, 'ann', { article: { tagList: [] } });
  assert.deepEqual(cleared.body.article.tagList, []);
  const { rows } = await sql.query(
    "SELECT name, article_count FROM tags WHERE name IN ('zeta', 'alpha', 'beta') ORDER BY name",
  );
  assert.deepEqual(
    rows.map((r) => r.article_count),
    [0, 0, 0],
  );
  await call('DELETE', `/articles/${slug}`, 'ann');
});

test('lists are newest first, page without overlap, and keep the slug when the title changes', async () => {
  const slugs: string[] = [];
  for (let i = 0; i < 5; i++) slugs.push(await article('ben', `Paged ${i}`, ['paged']));
  const newestFirst = [...slugs].reverse();
  for (const filter of ['author=ben', 'tag=paged']) {
    const pages = [];
    for (let offset = 0; offset < 6; offset += 2) {
      const res = await call('GET', `/articles?${filter}&limit=2&offset=${offset}`);
      assert.equal(res.body.articlesCount, 5);
      pages.push(...res.body.articles.map((a: { slug: string }) => a.slug));
    }
    assert.deepEqual(pages, newestFirst);
  }
  const renamed = await call('PUT', `/articles/${slugs[0]}`, 'ben', { article: { title: 'Renamed' } });
  assert.equal(renamed.body.article.title, 'Renamed');
  assert.equal(renamed.body.article.slug, slugs[0]);
  for (const slug of slugs) await call('DELETE', `/articles/${slug}`, 'ben');
});

test('favorited, favoritesCount and following in lists are per viewer', async () => {
  const slug = await article('ann', 'Liked');
  await call('POST', '/profiles/ann/follow', 'ben');
  await call('POST', `/articles/${slug}/favorite`, 'ben');
  await call('POST', `/articles/${slug}/favorite`, 'ben');
  const seen = async (who?: string) => {
    const res = await call('GET', '/articles?author=ann', who);
    const a = res.body.articles.find((x: { slug: string }) => x.slug === slug);
    return { favorited: a.favorited, count: a.favoritesCount, following: a.author.following };
  };
  assert.deepEqual(await seen('ben'), { favorited: true, count: 1, following: true });
  assert.deepEqual(await seen('cat'), { favorited: false, count: 1, following: false });
  assert.deepEqual(await seen(), { favorited: false, count: 1, following: false });
  const feed = await call('GET', '/articles/feed', 'ben');
  assert.equal(feed.body.articlesCount, 1);
  assert.equal(feed.body.articles[0].slug, slug);
  assert.equal(feed.body.articles[0].favorited, true);
  const fav = await call('GET', '/articles?favorited=ben&author=ann', 'cat');
  assert.deepEqual([fav.body.articlesCount, fav.body.articles[0].slug], [1, slug]);
  assert.equal((await call('DELETE', `/articles/${slug}/favorite`, 'ben')).body.article.favoritesCount, 0);
  assert.equal((await call('GET', '/articles?favorited=ben')).body.articlesCount, 0);
  await call('DELETE', '/profiles/ann/follow', 'ben');
  await call('DELETE', `/articles/${slug}`, 'ann');
});

test('following yourself is 422 and stores no edge', async () => {
  const res = await call('POST', '/profiles/cat/follow', 'cat');
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.errors, { profile: ['cannot follow yourself'] });
  const { rows } = await sql.query('SELECT count(*)::int AS n FROM follows');
  assert.equal(rows[0].n, 0);
});

test("comments come oldest first with the viewer's following flag", async () => {
  const slug = await article('ann', 'Discussed');
  await call('POST', `/articles/${slug}/comments`, 'ben', { comment: { body: 'first' } });
  await call('POST', `/articles/${slug}/comments`, 'cat', { comment: { body: 'second' } });
  await call('POST', '/profiles/ben/follow', 'ann');
  const res = await call('GET', `/articles/${slug}/comments`, 'ann');
  assert.deepEqual(
    res.body.comments.map((c: { body: string; author: { following: boolean } }) => [
      c.body,
      c.author.following,
    ]),
    [
      ['first', true],
      ['second', false],
    ],
  );
  await call('DELETE', '/profiles/ben/follow', 'ann');
  await call('DELETE', `/articles/${slug}`, 'ann');
  const { rows } = await sql.query('SELECT count(*)::int AS n FROM comments');
  assert.equal(rows[0].n, 0);
});
