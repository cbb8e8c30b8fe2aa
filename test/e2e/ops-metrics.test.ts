import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { callApi } from '../support/api-client.js';
import { parseExposition } from '../support/exposition.js';
import { type SpawnedStack, spawnStack } from '../support/spawn-stack.js';

let stack: SpawnedStack;

before(async () => {
  stack = await spawnStack(['--database.poolMax', '3']);
  await stack.waitFor((l) => l.msg === 'bulwark is up');
});

after(async () => {
  stack?.child.kill('SIGTERM');
  await stack?.exited;
});

test('the ops port serves both workers metrics summed, plus the supervisor own', {
  timeout: 60_000,
}, async () => {
  const n = 40;
  for (let i = 0; i < n; i++) assert.equal((await callApi(stack.baseUrl, 'GET', '/tags')).status, 200);
  const res = await fetch(`${stack.opsUrl}/metrics`);
  assert.equal(res.status, 200);
  const e = parseExposition(await res.text());
  assert.equal(e.value('bulwark_workers'), 2);
  // Two workers with three connections each.
  assert.equal(e.value('db_client_connection_max'), 6);
  assert.equal(
    e.value('http_server_request_duration_seconds_count', {
      http_route: '/api/tags',
      http_request_method: 'GET',
      http_response_status_code: '200',
    }),
    n,
  );
  assert.ok((e.value('bulwark_supervisor_process_resident_memory_bytes') ?? 0) > 0);
  assert.ok((e.value('process_resident_memory_bytes') ?? 0) > 0);
  const elu = e.value('nodejs_eventloop_utilization_ratio') ?? -1;
  assert.ok(elu >= 0 && elu <= 1, `utilisation ${elu} is a ratio (averaged, not summed)`);

  // A worker writes its log lines in batches, up to 100 ms after the request (LOG_LINGER_MS).
  const tagLines = () => stack.logs.filter((l) => l.msg === 'request' && l.route === '/api/tags');
  await stack.waitFor(() => tagLines().length >= n, 5_000);
  const lines = tagLines();
  assert.equal(lines.length, n, 'one log line per request');
  assert.equal(lines[0]?.status, 200);
  assert.equal(typeof lines[0]?.reqId, 'string');
  assert.equal(typeof lines[0]?.ownMs, 'number');
});

test('the ops port refuses an anonymous write with 401', async () => {
  const res = await fetch(`${stack.opsUrl}/metrics`, { method: 'POST' });
  assert.equal(res.status, 401);
  assert.equal(((await res.json()) as { code: string }).code, 'OPS_ERR_UNAUTHORIZED');
});

test('the supervisor starts the moderation service; its faults need the ops token; slow means "review"', {
  timeout: 60_000,
}, async () => {
  const line = await stack.waitFor((l) => l.msg === 'moderation service listening');
  const url = String(line.url);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const opsToken = readFileSync(join(stack.dataDir, 'ops-token'), 'utf8').trim();
  const setDelay = (delayMs: number, token?: string) =>
    fetch(`${url}/v1/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ delayMs }),
    });
  assert.equal((await setDelay(500)).status, 401);

  const user = { username: 'e2e-mod', email: 'e2e-mod@example.com', password: 'e2e-mod-password' };
  const token = (await callApi(stack.baseUrl, 'POST', '/users', undefined, { user })).body.user.token;
  const post = async () =>
    (
      await callApi(stack.baseUrl, 'POST', '/articles', token, {
        article: { title: `M ${Math.random()}`, description: 'd', body: 'b' },
      })
    ).body.article.slug as string;
  const fast = await post();
  assert.equal((await setDelay(500, opsToken)).status, 200);
  const slow = await post();
  assert.equal((await setDelay(0, opsToken)).status, 200);

  const db = new pg.Client(stack.databaseUrl);
  await db.connect();
  try {
    const { rows } = await db.query('SELECT slug, moderation_status FROM articles WHERE slug = ANY($1)', [
      [fast, slow],
    ]);
    const status = Object.fromEntries(rows.map((r) => [r.slug, r.moderation_status]));
    assert.deepEqual(status, { [fast]: 'approved', [slow]: 'review' });
  } finally {
    await db.end();
  }
  const e = parseExposition(await (await fetch(`${stack.opsUrl}/metrics`)).text());
  assert.equal(
    e.value('http_client_request_duration_seconds_count', { peer_service: 'moderation', outcome: 'ok' }),
    1,
  );
  assert.equal(
    e.value('http_client_request_duration_seconds_count', { peer_service: 'moderation', outcome: 'timeout' }),
    1,
  );
  // The slow call shows as outbound time in its request line (written within a log batch's linger).
  await stack.waitFor(
    (l) =>
      l.msg === 'request' &&
      l.route === '/api/articles' &&
      l.method === 'POST' &&
      (l.outboundMs as number) >= 250,
    5_000,
  );
});
