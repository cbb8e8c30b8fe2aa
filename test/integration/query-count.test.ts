import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callApi } from '../support/api-client.js';
import { startTestApp, startTestDatabase, type TestApp, type TestDatabase } from '../support/stack.js';

/**
 * A list or feed page costs the same statements whatever its size: the page of ids with its total,
 * then the rows of that page. No statement per article (N+1), none per skipped row.
 */
const STATEMENTS_PER_PAGE = 2;
const ARTICLES = 25;

let database: TestDatabase;
let api: TestApp;
let aliceToken: string;
let bobToken: string;

const call = (method: string, path: string, token?: string, body?: unknown) =>
  callApi(api.baseUrl, method, path, token, body);

async function register(name: string): Promise<string> {
  const res = await call('POST', '/users', undefined, {
    user: { username: name, email: `${name}@example.com`, password: 'password123' },
  });
  assert.equal(res.status, 201);
  return res.body.user.token;
}

before(async () => {
  database = await startTestDatabase();
  api = await startTestApp(database.url);
  aliceToken = await register('alice');
  bobToken = await register('bob');
  assert.equal((await call('POST', '/profiles/alice/follow', bobToken)).status, 200);
  for (let i = 0; i < ARTICLES; i++) {
    const created = await call('POST', '/articles', aliceToken, {
      article: { title: `Article ${i}`, description: 'd', body: 'b', tagList: ['common', `t${i}`] },
    });
    assert.equal(created.status, 201);
    assert.equal(
      (await call('POST', `/articles/${created.body.article.slug}/favorite`, bobToken)).status,
      200,
    );
  }
});

after(async () => {
  await api?.close();
  await database?.stop();
});

/** The statements one request sent, and its answer. */
async function measure(path: string, token?: string) {
  api.queries.length = 0;
  const res = await call('GET', path, token);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return {
    count: api.queries.length,
    articles: res.body.articles as unknown[],
    total: res.body.articlesCount,
  };
}

const CASES: [string, string, 'bob' | undefined][] = [
  ['all articles, anonymous', '/articles', undefined],
  ['all articles, signed in', '/articles', 'bob'],
  ['articles by tag', '/articles?tag=common', 'bob'],
  ['articles by author', '/articles?author=alice', 'bob'],
  ['articles favorited by a user', '/articles?favorited=bob', 'bob'],
  ['articles by tag and author together', '/articles?tag=common&author=alice', undefined],
  ['the feed', '/articles/feed', 'bob'],
];

for (const [name, path, who] of CASES) {
  test(`a page of ${name} costs ${STATEMENTS_PER_PAGE} statements for 1 row and for 20 rows`, async () => {
    const token = who === 'bob' ? bobToken : undefined;
    const sep = path.includes('?') ? '&' : '?';
    const one = await measure(`${path}${sep}limit=1`, token);
    const twenty = await measure(`${path}${sep}limit=20`, token);
    const skipped = await measure(`${path}${sep}limit=20&offset=5`, token);
    assert.equal(one.articles.length, 1);
    assert.equal(twenty.articles.length, 20);
    assert.equal(skipped.articles.length, 20);
    assert.equal(twenty.total, ARTICLES);
    assert.equal(one.count, STATEMENTS_PER_PAGE);
    assert.equal(twenty.count, STATEMENTS_PER_PAGE);
    assert.equal(skipped.count, STATEMENTS_PER_PAGE);
  });
}

test('an empty page costs one statement: there are no rows to fetch', async () => {
  const empty = await measure('/articles?tag=nobody-uses-this');
  assert.deepEqual(empty.articles, []);
  assert.equal(empty.total, 0);
  assert.equal(empty.count, 1);
});

test('a single article costs one statement, signed in or not', async () => {
  const { articles } = await measure('/articles?limit=1');
  const slug = (articles[0] as { slug: string }).slug;
  for (const token of [undefined, bobToken]) {
    api.queries.length = 0;
    const res = await call('GET', `/articles/${slug}`, token);
    assert.equal(res.status, 200);
    assert.equal(api.queries.length, 1);
  }
});
