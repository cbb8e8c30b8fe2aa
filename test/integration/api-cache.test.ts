import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { QueryCache } from '../../src/data/index.js';
import { callApi } from '../support/api-client.js';
import { startTestApp, startTestDatabase, type TestApp, type TestDatabase } from '../support/stack.js';

/**
 * The API with the query cache on, as production runs it: the shared part of a response is cached,
 * the viewer's `favorited` and `following` are computed per request, and every write is visible to
 * the next read in the same process.
 */

const ARTICLES = 25;
// Every table a cached read names: invalidating them all turns the next read into a miss.
const ALL_TABLES = ['articles', 'article_tags', 'comments', 'counters', 'favorites', 'tags', 'users'];
// The statement that loads an article's shared part by slug (cached-reads.ts → article-read-sql.ts).
const SHARED_BY_SLUG = /WHERE a\.slug = \$1/;
const FLAGS = /FROM favorites WHERE user_id = \$1 AND article_id = ANY/;

let database: TestDatabase;
let api: TestApp;
let cache: QueryCache;
const tokens: Record<string, string> = {};

const call = (method: string, path: string, token?: string, body?: unknown) =>
  callApi(api.baseUrl, method, path, token, body);

async function ok(method: string, path: string, who?: string, body?: unknown) {
  const res = await call(method, path, who ? tokens[who] : undefined, body);
  assert.ok(
    res.status >= 200 && res.status < 300,
    `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`,
  );
  return res.body;
}

async function register(name: string): Promise<void> {
  const body = await ok('POST', '/users', undefined, {
    user: { username: name, email: `${name}@example.com`, password: 'password123' },
  });
  tokens[name] = body.user.token;
}

async function newArticle(who: string, title: string, tagList: string[] = []): Promise<string> {
  const body = await ok('POST', '/articles', who, {
    article: { title, description: 'd', body: 'b', tagList },
  });
  return body.article.slug;
}

/** The statements one request sent, and its answer. */
async function measure(path: string, who?: string) {
  api.queries.length = 0;
  const body = await ok('GET', path, who);
  return { count: api.queries.length, texts: api.queries.map((q) => q.text), body };
}

before(async () => {
  database = await startTestDatabase();
  api = await startTestApp(database.url, {}, { cache: true });
  assert.ok(api.cache, 'startTestApp was asked for a cache');
  cache = api.cache;
  for (const name of ['alice', 'bob', 'carol']) await register(name);
  for (let i = 0; i < ARTICLES; i++) await newArticle('alice', `Article ${i}`, ['common', `t${i}`]);
});

after(async () => {
  await api?.close();
  await database?.stop();
});

test('a repeated GET of an article is served from the cache without its shared-part statement', async () => {
  const slug = await newArticle('alice', 'Cached once');
  const first = await measure(`/articles/${slug}`);
  assert.equal(first.texts.filter((t) => SHARED_BY_SLUG.test(t)).length, 1);
  const hits = cache.stats().hits;
  const second = await measure(`/articles/${slug}`);
  assert.equal(cache.stats().hits, hits + 1);
  assert.equal(second.count, 0);
  assert.deepEqual(second.body, first.body);
  // A signed-in reader of the cached article costs only the viewer's flags.
  const signedIn = await measure(`/articles/${slug}`, 'bob');
  assert.equal(cache.stats().hits, hits + 2);
  assert.equal(signedIn.texts.filter((t) => SHARED_BY_SLUG.test(t)).length, 0);
  assert.equal(signedIn.count, 1);
  assert.match(signedIn.texts[0] ?? '', FLAGS);
});

test('two viewers of the same cached article, profile and list see their own favorited and following', async () => {
  const slug = await newArticle('alice', 'Two viewers', ['two-viewers']);
  // Warm every entry anonymously, then change bob's flags: neither write touches a shared part's
  // columns except favoritesCount, so the follow leaves the entries cached.
  await ok('GET', `/articles/${slug}`);
  await ok('GET', '/profiles/alice');
  await ok('GET', '/articles?tag=two-viewers');
  await ok('POST', `/articles/${slug}/favorite`, 'bob');
  await ok('POST', '/profiles/alice/follow', 'bob');

  const hits = cache.stats().hits;
  for (const [who, expected] of [
    ['bob', true],
    ['carol', false],
    [undefined, false],
    ['bob', true],
  ] as const) {
    const { article } = await ok('GET', `/articles/${slug}`, who);
    assert.equal(article.favorited, expected, `favorited for ${who ?? 'anonymous'}`);
    assert.equal(article.author.following, expected, `following for ${who ?? 'anonymous'}`);
    assert.equal(article.favoritesCount, 1);
    const { profile } = await ok('GET', '/profiles/alice', who);
    assert.equal(profile.following, expected, `profile following for ${who ?? 'anonymous'}`);
    const list = await ok('GET', '/articles?tag=two-viewers', who);
    assert.equal(list.articles.length, 1);
    assert.equal(list.articles[0].favorited, expected);
    assert.equal(list.articles[0].author.following, expected);
    assert.equal(list.articles[0].favoritesCount, 1);
  }
  // The favorite made the article, the list and the profile (users.favorites_count) stale once each;
  // the follow changed nothing shared. The other 9 of the 4 × 3 reads above were hits.
  assert.equal(cache.stats().hits, hits + 9);

  await ok('DELETE', `/articles/${slug}/favorite`, 'bob');
  await ok('DELETE', '/profiles/alice/follow', 'bob');
  const { article } = await ok('GET', `/articles/${slug}`, 'bob');
  assert.equal(article.favorited, false);
  assert.equal(article.favoritesCount, 0);
  assert.equal(article.author.following, false);
  assert.equal((await ok('GET', '/profiles/alice', 'bob')).profile.following, false);
});

test('after an update the next read shows it: article, lists, tags and the author in each', async () => {
  const slug = await newArticle('alice', 'Before update', ['old-tag']);
  await ok('GET', `/articles/${slug}`);
  await ok('GET', '/articles?limit=1');
  await ok('GET', '/articles?author=alice');
  assert.ok((await ok('GET', '/tags')).tags.includes('old-tag'));

  await ok('PUT', `/articles/${slug}`, 'alice', {
    article: { title: 'After update', body: 'new body', tagList: ['new-tag'] },
  });
  const { article } = await ok('GET', `/articles/${slug}`);
  assert.equal(article.title, 'After update');
  assert.equal(article.body, 'new body');
  assert.deepEqual(article.tagList, ['new-tag']);
  assert.equal((await ok('GET', '/articles?limit=1')).articles[0].title, 'After update');
  assert.equal((await ok('GET', '/articles?author=alice')).articles[0].title, 'After update');
  const { tags } = await ok('GET', '/tags');
  assert.ok(tags.includes('new-tag'));
  assert.ok(!tags.includes('old-tag'));

  await ok('PUT', '/user', 'alice', { user: { bio: 'updated bio' } });
  assert.equal((await ok('GET', '/profiles/alice')).profile.bio, 'updated bio');
  assert.equal((await ok('GET', `/articles/${slug}`)).article.author.bio, 'updated bio');
  assert.equal((await ok('GET', '/articles?limit=1')).articles[0].author.bio, 'updated bio');
});

test('after a delete the next read misses it: 404, gone from lists, counts and tags', async () => {
  const slug = await newArticle('alice', 'Doomed', ['doomed-tag']);
  await ok('GET', `/articles/${slug}`);
  const before = await ok('GET', '/articles?limit=1');
  assert.equal(before.articles[0].slug, slug);
  assert.ok((await ok('GET', '/tags')).tags.includes('doomed-tag'));
  assert.equal((await ok('GET', '/articles?tag=doomed-tag')).articlesCount, 1);

  assert.equal((await call('DELETE', `/articles/${slug}`, tokens.alice)).status, 204);
  assert.equal((await call('GET', `/articles/${slug}`)).status, 404);
  assert.equal((await call('GET', `/articles/${slug}/comments`)).status, 404);
  const afterDelete = await ok('GET', '/articles?limit=1');
  assert.notEqual(afterDelete.articles[0].slug, slug);
  assert.equal(afterDelete.articlesCount, before.articlesCount - 1);
  assert.ok(!(await ok('GET', '/tags')).tags.includes('doomed-tag'));
  assert.equal((await ok('GET', '/articles?tag=doomed-tag')).articlesCount, 0);
});

test('after a favorite the next reads show the count and the favorited list', async () => {
  const slug = await newArticle('alice', 'Favorite me');
  await ok('GET', `/articles/${slug}`);
  await ok('GET', '/articles?favorited=carol');
  await ok('POST', `/articles/${slug}/favorite`, 'carol');
  const { article } = await ok('GET', `/articles/${slug}`, 'carol');
  assert.equal(article.favoritesCount, 1);
  assert.equal(article.favorited, true);
  const list = await ok('GET', '/articles?favorited=carol', 'carol');
  assert.equal(list.articlesCount, 1);
  assert.equal(list.articles[0].slug, slug);
  assert.equal(list.articles[0].favorited, true);
  assert.equal((await ok('GET', '/articles?favorited=carol', 'bob')).articles[0].favorited, false);
});

test('after a comment is added or deleted the next list of comments shows it', async () => {
  const slug = await newArticle('alice', 'Comment on me');
  assert.deepEqual((await ok('GET', `/articles/${slug}/comments`)).comments, []);
  const { comment } = await ok('POST', `/articles/${slug}/comments`, 'bob', { comment: { body: 'first' } });
  await ok('POST', '/profiles/bob/follow', 'carol');
  for (const [who, following] of [
    ['carol', true],
    ['alice', false],
    [undefined, false],
  ] as const) {
    const { comments } = await ok('GET', `/articles/${slug}/comments`, who);
    assert.deepEqual(
      comments.map((c: { body: string; author: { username: string; following: boolean } }) => [
        c.body,
        c.author.username,
        c.author.following,
      ]),
      [['first', 'bob', following]],
    );
  }
  assert.equal((await call('DELETE', `/articles/${slug}/comments/${comment.id}`, tokens.bob)).status, 204);
  assert.deepEqual((await ok('GET', `/articles/${slug}/comments`, 'carol')).comments, []);
  await ok('DELETE', '/profiles/bob/follow', 'carol');
});

// Statements per request with the cache: a miss loads the shared part (the same statements as
// without a cache, minus the viewer flags), and a signed-in viewer adds one statement for the flags.
const PAGE_CASES: [name: string, path: string, who: string | undefined, miss: number, hit: number][] = [
  ['all articles, anonymous', '/articles', undefined, 2, 0],
  ['all articles, signed in', '/articles', 'bob', 3, 1],
  ['articles by tag', '/articles?tag=common', 'bob', 3, 1],
  ['articles by author', '/articles?author=alice', 'bob', 3, 1],
  ['articles favorited by a user, anonymous', '/articles?favorited=carol', undefined, 2, 0],
  // Not cached: filter combinations, deeper pages and the feed cost what they cost without a cache.
  ['articles by tag and author together', '/articles?tag=common&author=alice', 'bob', 2, 2],
  ['the feed', '/articles/feed', 'bob', 2, 2],
];

test('with the cache a page costs the same statements for 1 row and for 20 rows, hit or miss', async () => {
  await ok('POST', '/profiles/alice/follow', 'bob');
  // Enough favorites for a full page at offset 5.
  for (let i = 0; i < 25; i++) {
    const slug = (await ok('GET', `/articles?limit=20&offset=${i}`)).articles[0].slug;
    await ok('POST', `/articles/${slug}/favorite`, 'carol');
  }
  for (const [name, path, who, miss, hit] of PAGE_CASES) {
    const sep = path.includes('?') ? '&' : '?';
    for (const limit of [1, 20]) {
      await cache.invalidate(ALL_TABLES);
      const first = await measure(`${path}${sep}limit=${limit}`, who);
      const second = await measure(`${path}${sep}limit=${limit}`, who);
      assert.equal(first.body.articles.length, limit, name);
      assert.equal(first.count, miss, `${name}, limit ${limit}, miss`);
      assert.equal(second.count, hit, `${name}, limit ${limit}, hit`);
      assert.deepEqual(second.body, first.body, name);
    }
    // A deeper page is never cached: the two statements of the uncached path, every time.
    const deep = await measure(`${path}${sep}limit=20&offset=5`, who);
    assert.equal(deep.body.articles.length, 20, name);
    assert.equal(deep.count, 2, `${name}, offset 5`);
  }
  await ok('DELETE', '/profiles/alice/follow', 'bob');
});

test('with the cache an article, a profile and the tags cost one statement or none', async () => {
  const slug = (await ok('GET', '/articles?limit=1')).articles[0].slug;
  const cases: [path: string, who: string | undefined, miss: number, hit: number][] = [
    [`/articles/${slug}`, undefined, 1, 0],
    [`/articles/${slug}`, 'bob', 2, 1],
    ['/profiles/alice', undefined, 1, 0],
    ['/profiles/alice', 'bob', 2, 1],
    [`/articles/${slug}/comments`, undefined, 1, 0],
    ['/tags', undefined, 1, 0],
    ['/tags', 'bob', 1, 0],
  ];
  for (const [path, who, miss, hit] of cases) {
    await cache.invalidate(ALL_TABLES);
    assert.equal((await measure(path, who)).count, miss, `${path} as ${who ?? 'anonymous'}, miss`);
    assert.equal((await measure(path, who)).count, hit, `${path} as ${who ?? 'anonymous'}, hit`);
  }
});

test('an unknown article or profile is cached as absent and still answers 404', async () => {
  for (const path of [
    '/articles/no-such-article',
    '/profiles/nobody-here',
    '/articles/no-such-article/comments',
  ]) {
    assert.equal((await call('GET', path)).status, 404);
    api.queries.length = 0;
    assert.equal((await call('GET', path)).status, 404);
    assert.equal(api.queries.length, 0, path);
  }
  // Registering the name makes the cached absence stale at once.
  await register('nobody-here');
  assert.equal((await call('GET', '/profiles/nobody-here')).status, 200);
});
