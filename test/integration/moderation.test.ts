import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type ModerationServer, startModerationServer } from '../../src/moderation/index.js';
import { callApi } from '../support/api-client.js';
import { parseExposition } from '../support/exposition.js';
import { startTestApp, startTestDatabase, type TestApp, type TestDatabase } from '../support/stack.js';

let database: TestDatabase;
let moderation: ModerationServer;
let api: TestApp;
let db: pg.Client;
let token: string;

before(async () => {
  database = await startTestDatabase();
  moderation = await startModerationServer({ host: '127.0.0.1', port: 0, authorize: async () => undefined });
  api = await startTestApp(
    database.url,
    {
      'guard.requestBudgetMs': '10000',
      'moderation.timeoutMs': '100',
      'moderation.breakerFailures': '2',
      'moderation.breakerResetMs': '400',
    },
    { production: true, moderationUrl: moderation.url },
  );
  db = new pg.Client(database.url);
  await db.connect();
  const user = { username: 'mod-user', email: 'mod@example.com', password: 'moderation-pw-1' };
  token = (await callApi(api.baseUrl, 'POST', '/users', undefined, { user })).body.user.token;
});

after(async () => {
  await db?.end();
  await api?.close();
  await moderation?.close();
  await database?.stop();
});

async function postArticle(body: string): Promise<{ status: number; moderation: string; ms: number }> {
  const t0 = performance.now();
  const res = await callApi(api.baseUrl, 'POST', '/articles', token, {
    article: { title: `T ${Math.random()}`, description: 'd', body },
  });
  const ms = performance.now() - t0;
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const { rows } = await db.query('SELECT moderation_status FROM articles WHERE slug = $1', [
    res.body.article.slug,
  ]);
  return { status: res.status, moderation: rows[0].moderation_status, ms };
}

const outbound = async (outcome: string) =>
  parseExposition(await (api.telemetry?.metrics.registry.metrics() ?? '')).value(
    'http_client_request_duration_seconds_count',
    { peer_service: 'moderation', outcome },
  ) ?? 0;

test('new articles and comments carry the moderation decision', async () => {
  assert.equal((await postArticle('A clean body')).moderation, 'approved');
  assert.equal((await postArticle('Visit my casino')).moderation, 'flagged');
  const slugRes = await callApi(api.baseUrl, 'POST', '/articles', token, {
    article: { title: 'For comments', description: 'd', body: 'b' },
  });
  const slug = slugRes.body.article.slug;
  const c = await callApi(api.baseUrl, 'POST', `/articles/${slug}/comments`, token, {
    comment: { body: 'free-money here' },
  });
  assert.equal(c.status, 201);
  const { rows } = await db.query('SELECT moderation_status FROM comments WHERE id = $1', [
    c.body.comment.id,
  ]);
  assert.equal(rows[0].moderation_status, 'flagged');
  assert.equal(await outbound('ok'), 4);
});

test('a slow moderation service times out, the content is accepted for review, and the breaker opens', async () => {
  moderation.faults.delayMs = 1_000;
  const first = await postArticle('slow one');
  assert.equal(first.moderation, 'review');
  assert.ok(first.ms < 900, `answered after the 100 ms timeout, not the 1 s delay (${first.ms} ms)`);
  assert.equal((await postArticle('slow two')).moderation, 'review');
  assert.equal(await outbound('timeout'), 2);
  // Two failures opened the breaker: the next call is refused at once.
  assert.equal((await postArticle('while open')).moderation, 'review');
  assert.equal(await outbound('rejected'), 1);
  // Healthy again and past the reset time: the trial call closes the breaker.
  moderation.faults.delayMs = 0;
  await new Promise((r) => setTimeout(r, 450));
  assert.equal((await postArticle('healthy again')).moderation, 'approved');
  assert.equal((await postArticle('and again')).moderation, 'approved');
});

test('a moderation service that is down yields "review", never an error', async () => {
  const url = moderation.url;
  await moderation.close();
  try {
    assert.equal((await postArticle('nobody home')).moderation, 'review');
    assert.ok((await outbound('error')) >= 1);
  } finally {
    moderation = await startModerationServer({
      host: '127.0.0.1',
      port: Number(new URL(url).port),
      authorize: async () => undefined,
    });
  }
});
