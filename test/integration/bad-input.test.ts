import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSigner } from 'fast-jwt';
import pg from 'pg';
import { startTestApp, startTestDatabase, type TestApp, type TestDatabase } from '../support/stack.js';

/**
 * Hostile and broken input is answered 4xx with the RealWorld error body, never 500, and changes no
 * stored row. Wrong methods on known paths are 404 (no route matches that method and path), the same
 * answer as an unknown path.
 */

// The secret startTestApp signs with (test/support/stack.ts).
const SECRET = 'test-secret-not-for-production';
const TABLES = ['users', 'follows', 'articles', 'tags', 'article_tags', 'favorites', 'comments'] as const;

let database: TestDatabase;
let api: TestApp;
let sql: pg.Client;
let token: string;
let slug: string;

interface Answer {
  status: number;
  body: { errors?: Record<string, string[]> } & Record<string, unknown>;
}

async function send(
  method: string,
  path: string,
  init: { token?: string; auth?: string; body?: unknown; raw?: string; type?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Token ${init.token}`;
  if (init.auth) headers.authorization = init.auth;
  const payload = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (payload !== undefined) headers['content-type'] = init.type ?? 'application/json';
  const res = await fetch(`${api.baseUrl}${path}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES)
    out[table] = Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return out;
}

/** Sends each request, checks status and error field, and that no table changed. */
type Case = [method: string, path: string, init: Parameters<typeof send>[2], status: number, field: string];

async function rejects(cases: Case[]) {
  const before = await counts();
  for (const [method, path, init, status, field] of cases) {
    const res = await send(method, path, init);
    const label = `${method} ${path} ${JSON.stringify(init).slice(0, 120)}`;
    assert.equal(res.status, status, `${label} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    assert.ok(
      Array.isArray(res.body.errors?.[field]),
      `${label}: errors.${field} in ${JSON.stringify(res.body)}`,
    );
    assert.ok((res.body.errors?.[field]?.length ?? 0) > 0, label);
  }
  assert.deepEqual(await counts(), before, 'no stored row changed');
}

before(async () => {
  database = await startTestDatabase();
  api = await startTestApp(database.url);
  sql = new pg.Client(database.url);
  await sql.connect();
  const reg = await send('POST', '/api/users', {
    body: { user: { username: 'mallory', email: 'mallory@example.com', password: 'password123' } },
  });
  token = reg.body.user ? (reg.body.user as { token: string }).token : '';
  const created = await send('POST', '/api/articles', {
    token,
    body: { article: { title: 'Target', description: 'd', body: 'b', tagList: ['x'] } },
  });
  slug = (created.body.article as { slug: string }).slug;
});

after(async () => {
  await sql?.end();
  await api?.close();
  await database?.stop();
});

test('malformed JSON, a wrong content type and prototype poisoning are 400/415 and store nothing', async () => {
  await rejects([
    ['POST', '/api/users', { raw: '{"user": {"username": "a",' }, 400, 'body'],
    ['POST', '/api/articles', { token, raw: 'not json at all' }, 400, 'body'],
    ['POST', '/api/users', { raw: 'user=a', type: 'text/plain' }, 415, 'body'],
    [
      'POST',
      '/api/users',
      { raw: '{"user":{"username":"p","email":"p@x.io","password":"password123"},"__proto__":{"x":1}}' },
      400,
      'body',
    ],
  ]);
});

test('wrong types and missing fields are 422 naming the field, and store nothing', async () => {
  await rejects([
    ['POST', '/api/users', { body: { user: 'alice' } }, 422, 'user'],
    ['POST', '/api/users', { body: {} }, 422, 'user'],
    ['POST', '/api/users', { body: { user: { username: 'a', email: 'a@x.io' } } }, 422, 'password'],
    [
      'POST',
      '/api/users',
      { body: { user: { username: { $ne: null }, email: 'a@x.io', password: 'password123' } } },
      422,
      'username',
    ],
    [
      'POST',
      '/api/users',
      { body: { user: { username: 'a', email: 'not-an-email', password: 'password123' } } },
      422,
      'email',
    ],
    [
      'POST',
      '/api/users',
      { body: { user: { username: 'a', email: 'a@x.io', password: 'short' } } },
      422,
      'password',
    ],
    [
      'POST',
      '/api/users',
      { body: { user: { username: '   ', email: 'a@x.io', password: 'password123' } } },
      422,
      'username',
    ],
    [
      'POST',
      '/api/users/login',
      { body: { user: { email: ['a@x.io', 'b@x.io'], password: 'password123' } } },
      422,
      'email',
    ],
    [
      'POST',
      '/api/articles',
      { token, body: { article: { title: {}, description: 'd', body: 'b' } } },
      422,
      'title',
    ],
    ['POST', '/api/articles', { token, body: { article: { title: 't', description: 'd' } } }, 422, 'body'],
    [
      'POST',
      '/api/articles',
      { token, body: { article: { title: 't', description: 'd', body: 'b', tagList: [{}] } } },
      422,
      'tagList',
    ],
    [
      'POST',
      '/api/articles',
      { token, body: { article: { title: 't', description: 'd', body: 'b', tagList: ['  '] } } },
      422,
      'tagList',
    ],
    [
      'POST',
      '/api/articles',
      { token, body: { article: { title: '   ', description: 'd', body: 'b' } } },
      422,
      'title',
    ],
    ['PUT', `/api/articles/${slug}`, { token, body: { article: { tagList: null } } }, 422, 'tagList'],
    ['PUT', `/api/articles/${slug}`, { token, body: { article: { title: '' } } }, 422, 'title'],
    ['PUT', '/api/user', { token, body: { user: { email: null } } }, 422, 'email'],
    [
      'POST',
      `/api/articles/${slug}/comments`,
      { token, body: { comment: { body: { text: 'a' } } } },
      422,
      'body',
    ],
    ['POST', `/api/articles/${slug}/comments`, { token, body: { comment: {} } }, 422, 'body'],
    ['DELETE', `/api/articles/${slug}/comments/abc`, { token }, 422, 'id'],
    ['DELETE', `/api/articles/${slug}/comments/1e999`, { token }, 422, 'id'],
    ['DELETE', `/api/articles/${slug}/comments/-1`, { token }, 422, 'id'],
    ['DELETE', `/api/articles/${slug}/comments/99999999999999999999`, { token }, 422, 'id'],
  ]);
});

test('fields over their length caps are 422 naming the field, and store nothing', async () => {
  const long = (n: number) => 'x'.repeat(n);
  const article = { title: 't', description: 'd', body: 'b' };
  await rejects([
    [
      'POST',
      '/api/users',
      { body: { user: { username: long(65), email: 'l@x.io', password: 'password123' } } },
      422,
      'username',
    ],
    [
      'POST',
      '/api/users',
      { body: { user: { username: 'l', email: 'l@x.io', password: long(257) } } },
      422,
      'password',
    ],
    ['PUT', '/api/user', { token, body: { user: { bio: long(4097) } } }, 422, 'bio'],
    ['PUT', '/api/user', { token, body: { user: { image: long(2049) } } }, 422, 'image'],
    ['POST', '/api/articles', { token, body: { article: { ...article, title: long(257) } } }, 422, 'title'],
    [
      'POST',
      '/api/articles',
      { token, body: { article: { ...article, description: long(1025) } } },
      422,
      'description',
    ],
    ['POST', '/api/articles', { token, body: { article: { ...article, body: long(100_001) } } }, 422, 'body'],
    [
      'POST',
      '/api/articles',
      { token, body: { article: { ...article, tagList: [long(65)] } } },
      422,
      'tagList',
    ],
    [
      'POST',
      '/api/articles',
      { token, body: { article: { ...article, tagList: Array.from({ length: 33 }, (_, i) => `t${i}`) } } },
      422,
      'tagList',
    ],
    [
      'POST',
      `/api/articles/${slug}/comments`,
      { token, body: { comment: { body: long(20_001) } } },
      422,
      'body',
    ],
  ]);
});

test('a body over http.bodyLimitBytes is 413 and stores nothing', async () => {
  const huge = 'x'.repeat(1_100_000);
  await rejects([
    [
      'POST',
      '/api/articles',
      { token, body: { article: { title: 't', description: 'd', body: huge } } },
      413,
      'body',
    ],
    [
      'POST',
      '/api/users',
      { body: { user: { username: huge, email: 'h@x.io', password: 'password123' } } },
      413,
      'body',
    ],
  ]);
});

test('negative, huge and non-numeric limit and offset are 422 naming the parameter', async () => {
  const cases: Case[] = [];
  for (const q of ['limit=0', 'limit=-1', 'limit=101', 'limit=abc', 'limit=1.5', 'limit=1e999', 'limit=']) {
    cases.push(['GET', `/api/articles?${q}`, {}, 422, 'limit']);
    cases.push(['GET', `/api/articles/feed?${q}`, { token }, 422, 'limit']);
  }
  for (const q of ['offset=-1', 'offset=1000001', 'offset=abc', 'offset=99999999999999999999']) {
    cases.push(['GET', `/api/articles?${q}`, {}, 422, 'offset']);
    cases.push(['GET', `/api/articles/feed?${q}`, { token }, 422, 'offset']);
  }
  cases.push(['GET', '/api/articles?tag=a&tag=b', {}, 422, 'tag']);
  await rejects(cases);
});

test('SQL in path parameters and queries is data: no match, 404 or an empty page', async () => {
  const injections = ["x' OR '1'='1", "'; DROP TABLE articles; --", '1) OR (1=1', '%', '_'];
  const cases: Case[] = [];
  for (const s of injections) {
    const e = encodeURIComponent(s);
    cases.push(['GET', `/api/articles/${e}`, {}, 404, 'article']);
    cases.push(['GET', `/api/articles/${e}/comments`, {}, 404, 'article']);
    cases.push([
      'PUT',
      `/api/articles/${e}`,
      { token, body: { article: { body: 'pwned' } } },
      404,
      'article',
    ]);
    cases.push(['DELETE', `/api/articles/${e}`, { token }, 404, 'article']);
    cases.push(['POST', `/api/articles/${e}/favorite`, { token }, 404, 'article']);
    cases.push(['GET', `/api/profiles/${e}`, {}, 404, 'profile']);
    cases.push(['POST', `/api/profiles/${e}/follow`, { token }, 404, 'profile']);
  }
  await rejects(cases);
  for (const s of injections) {
    for (const filter of ['tag', 'author', 'favorited']) {
      const res = await send('GET', `/api/articles?${filter}=${encodeURIComponent(s)}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { articles: [], articlesCount: 0 });
    }
  }
  const login = await send('POST', '/api/users/login', {
    body: { user: { email: "' OR '1'='1", password: "' OR '1'='1" } },
  });
  assert.equal(login.status, 401);
  assert.deepEqual(login.body.errors, { credentials: ['invalid'] });
});

test('a username and an article full of quotes and SQL round-trip unchanged', async () => {
  const username = `o'brien"; DROP TABLE users; --`;
  const reg = await send('POST', '/api/users', {
    body: { user: { username, email: "o'brien@example.com", password: 'password123' } },
  });
  assert.equal(reg.status, 201);
  const profile = await send('GET', `/api/profiles/${encodeURIComponent(username)}`);
  assert.equal(profile.status, 200);
  assert.deepEqual(profile.body, { profile: { username, bio: null, image: null, following: false } });
  const title = `Robert'); DROP TABLE articles;--`;
  const userToken = (reg.body.user as { token: string }).token;
  const created = await send('POST', '/api/articles', {
    token: userToken,
    body: { article: { title, description: "' OR 1=1", body: '$1 $2 \\x00', tagList: ["'; --"] } },
  });
  assert.equal(created.status, 201);
  const got = await send('GET', `/api/articles/${(created.body.article as { slug: string }).slug}`);
  const article = got.body.article as Record<string, unknown>;
  assert.equal(article.title, title);
  assert.equal(article.description, "' OR 1=1");
  assert.equal(article.body, '$1 $2 \\x00');
  assert.deepEqual(article.tagList, ["'; --"]);
  const byAuthor = await send('GET', `/api/articles?author=${encodeURIComponent(username)}`);
  assert.equal(byAuthor.body.articlesCount, 1);
});

test('unknown routes and wrong methods are 404 with the RealWorld error body', async () => {
  await rejects([
    ['GET', '/api/nothing-here', {}, 404, 'body'],
    ['GET', '/nothing-here', {}, 404, 'body'],
    ['PATCH', '/api/articles', { token, body: {} }, 404, 'body'],
    ['DELETE', '/api/users', { token }, 404, 'body'],
    ['PUT', '/api/tags', { token, body: {} }, 404, 'body'],
    ['POST', '/api/articles/feed', { token, body: {} }, 404, 'body'],
  ]);
});

test('forged, expired, malformed and orphaned tokens are 401 "is invalid", even where auth is optional', async () => {
  const forged = createSigner({ key: 'another-secret', expiresIn: 60_000 })({ sub: '1' });
  const expired = createSigner({ key: SECRET, expiresIn: 1000, clockTimestamp: Date.now() - 3_600_000 })({
    sub: '1',
  });
  const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}.`;
  const wrongSub = createSigner({ key: SECRET, expiresIn: 60_000 })({ sub: 'admin' });
  const noExp = createSigner({ key: SECRET })({ sub: '1' });
  const orphan = createSigner({ key: SECRET, expiresIn: 60_000 })({ sub: '987654321' });
  const bad = [
    `Token ${forged}`,
    `Token ${expired}`,
    `Token ${noneAlg}`,
    `Token ${wrongSub}`,
    `Token ${noExp}`,
    'Token abc',
    'Token a.b.c',
    'Token',
    `Basic ${Buffer.from('a:b').toString('base64')}`,
    `Token ${token}x`,
  ];
  const cases: Case[] = [];
  for (const auth of bad) {
    cases.push(['GET', '/api/user', { auth }, 401, 'token']);
    cases.push(['GET', '/api/articles', { auth }, 401, 'token']);
    cases.push([
      'POST',
      '/api/articles',
      { auth, body: { article: { title: 't', description: 'd', body: 'b' } } },
      401,
      'token',
    ]);
    cases.push(['DELETE', `/api/articles/${slug}`, { auth }, 401, 'token']);
  }
  // A well-signed token whose user does not exist (a reset database, a deleted account).
  cases.push(['GET', '/api/user', { token: orphan }, 401, 'token']);
  cases.push(['PUT', '/api/user', { token: orphan, body: { user: { bio: 'x' } } }, 401, 'token']);
  cases.push([
    'POST',
    '/api/articles',
    { token: orphan, body: { article: { title: 't', description: 'd', body: 'b' } } },
    401,
    'token',
  ]);
  cases.push([
    'POST',
    `/api/articles/${slug}/comments`,
    { token: orphan, body: { comment: { body: 'c' } } },
    401,
    'token',
  ]);
  cases.push(['POST', `/api/articles/${slug}/favorite`, { token: orphan }, 401, 'token']);
  cases.push(['POST', '/api/profiles/mallory/follow', { token: orphan }, 401, 'token']);
  await rejects(cases);
  const res = await send('GET', '/api/user', { auth: `Token ${expired}` });
  assert.deepEqual(res.body.errors, { token: ['is invalid'] });
});
