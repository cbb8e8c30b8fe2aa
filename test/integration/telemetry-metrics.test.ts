import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { callApi } from '../support/api-client.js';
import { parseExposition } from '../support/exposition.js';
import { startTestApp, startTestDatabase, type TestApp, type TestDatabase } from '../support/stack.js';

let database: TestDatabase;
let api: TestApp;
const lines: Record<string, unknown>[] = [];

before(async () => {
  database = await startTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  api = await startTestApp(
    database.url,
    { 'guard.requestBudgetMs': '10000', 'moderation.enabled': 'false' },
    { production: true, logger: pino({ level: 'info' }, sink) },
  );
});

after(async () => {
  await api?.close();
  await database?.stop();
});

const scrape = async () => {
  const registry = api.telemetry?.metrics.registry;
  assert.ok(registry, 'the production test app has telemetry');
  return registry.metrics();
};

async function exercise(): Promise<{ token: string; slug: string }> {
  const user = { username: 'metrics-user', email: 'metrics@example.com', password: 'metrics-password-1' };
  const reg = await callApi(api.baseUrl, 'POST', '/users', undefined, { user });
  assert.equal(reg.status, 201);
  const token = reg.body.user.token as string;
  const created = await callApi(api.baseUrl, 'POST', '/articles', token, {
    article: { title: 'Metrics', description: 'd', body: 'b', tagList: ['m'] },
  });
  assert.equal(created.status, 201);
  const slug = created.body.article.slug as string;
  for (let i = 0; i < 2; i++)
    assert.equal((await callApi(api.baseUrl, 'GET', `/articles/${slug}`)).status, 200);
  assert.equal((await callApi(api.baseUrl, 'GET', '/articles?limit=5')).status, 200);
  assert.equal((await callApi(api.baseUrl, 'GET', '/tags')).status, 200);
  assert.equal((await callApi(api.baseUrl, 'GET', '/articles/no-such-article-at-all')).status, 404);
  assert.equal((await fetch(`${api.baseUrl}/not/a/route`)).status, 404);
  return { token, slug };
}

test('/metrics parses as Prometheus text and holds the request, pool, query, cache and admission signals', async () => {
  const { slug } = await exercise();
  const text = await scrape();
  const e = parseExposition(text);
  assert.equal(e.types.get('http_server_request_duration_seconds'), 'histogram');
  const count = (route: string, status: string) =>
    e.value('http_server_request_duration_seconds_count', {
      http_route: route,
      http_request_method: 'GET',
      http_response_status_code: status,
    });
  assert.equal(count('/api/articles/:slug', '200'), 2);
  assert.equal(count('/api/articles/:slug', '404'), 1);
  assert.equal(count('unmatched', '404'), 1);
  assert.ok(!text.includes(slug), 'no raw URL reaches a label');
  assert.equal(e.value('db_client_connection_max'), 5);
  assert.equal(
    typeof e.value('db_client_connection_count', { db_client_connection_state: 'used' }),
    'number',
  );
  assert.equal(
    typeof e.value('db_client_connection_count', { db_client_connection_state: 'idle' }),
    'number',
  );
  assert.equal(e.value('db_client_connection_pending_requests'), 0);
  assert.ok((e.value('db_client_connection_wait_time_seconds_count') ?? 0) > 0);
  assert.ok((e.value('db_client_connection_use_time_seconds_count') ?? 0) > 0);
  assert.equal(e.value('db_client_connection_timeouts_total'), 0);
  const ops = e.samples.filter((s) => s.name === 'db_client_operation_duration_seconds_count');
  assert.ok(ops.length >= 3, 'several fingerprints have series');
  const info = e.samples.filter((s) => s.name === 'bulwark_db_query_fingerprint_info');
  const insert = info.find((s) => /^insert into articles/i.test(s.labels.db_query_text ?? ''));
  assert.ok(insert, 'the article insert is described');
  assert.ok(
    (e.value('db_client_operation_duration_seconds_count', {
      db_query_fingerprint: insert.labels.db_query_fingerprint as string,
    }) ?? 0) >= 1,
  );
  assert.ok((e.value('bulwark_cache_hits_total') ?? 0) >= 1);
  assert.ok((e.value('bulwark_cache_misses_total') ?? 0) >= 1);
  assert.ok((e.value('bulwark_cache_operation_duration_seconds_count', { result: 'hit' }) ?? 0) >= 1);
  assert.ok((e.value('bulwark_admission_limit') ?? 0) >= 1);
  const classes = e.samples
    .filter((s) => s.name === 'bulwark_admission_in_flight')
    .map((s) => s.labels.query_class);
  assert.deepEqual(classes.sort(), ['background', 'critical', 'heavy']);
  for (const name of [
    'nodejs_eventloop_utilization_ratio',
    'nodejs_eventloop_lag_p99_seconds',
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
  ])
    assert.ok(e.types.has(name), name);
});

test('10,000 distinct article slugs create no new series', { timeout: 180_000 }, async () => {
  // Every (route, status) pair the loop will hit already exists once before counting.
  assert.equal((await callApi(api.baseUrl, 'GET', '/articles/warm-up-slug')).status, 404);
  const before = await scrape();
  const countBefore = Number(
    /http_server_request_duration_seconds_count\{[^}]*http_route="\/api\/articles\/:slug"[^}]*http_response_status_code="404"[^}]*\} (\d+)/.exec(
      before,
    )?.[1],
  );
  const total = 10_000;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const res = await fetch(`${api.baseUrl}/api/articles/slug-${i}-${Math.random().toString(36).slice(2)}`);
      await res.arrayBuffer();
      assert.equal(res.status, 404);
    }
  };
  // Four at a time, inside the test pool's five connections: a 503 from a full queue would be a
  // legitimate new (route, status) series, and this test is about slugs, not overload.
  await Promise.all(Array.from({ length: 4 }, worker));
  const afterText = await scrape();
  const countAfter = Number(
    /http_server_request_duration_seconds_count\{[^}]*http_route="\/api\/articles\/:slug"[^}]*http_response_status_code="404"[^}]*\} (\d+)/.exec(
      afterText,
    )?.[1],
  );
  assert.equal(countAfter - countBefore, total, 'every request was counted');
  // The runtime families (GC kinds, libuv handle types) change with the process, not the traffic.
  const appSeries = (text: string) =>
    text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#') && !/^(nodejs_|process_)/.test(l))
      .map((l) => l.replace(/ [^ ]+$/, ''));
  assert.ok(appSeries(before).length > 100);
  assert.deepEqual(appSeries(afterText), appSeries(before));
});

test('each request writes one log line with its route, status, user and time breakdown, and no token', async () => {
  const mine = lines.filter((l) => l.msg === 'request' && l.route === '/api/articles' && l.method === 'POST');
  assert.equal(mine.length, 1);
  const line = mine[0] as Record<string, unknown>;
  assert.equal(line.status, 201);
  assert.equal(typeof line.reqId, 'string');
  assert.equal(typeof line.userId, 'string');
  for (const k of ['totalMs', 'poolWaitMs', 'dbMs', 'cacheMs', 'outboundMs', 'ownMs'])
    assert.equal(typeof line[k], 'number', k);
  assert.ok((line.dbMs as number) > 0, 'the insert took database time');
  assert.ok((line.queries as number) >= 2);
  const sum = ['poolWaitMs', 'dbMs', 'cacheMs', 'outboundMs', 'ownMs'].reduce(
    (n, k) => n + (line[k] as number),
    0,
  );
  assert.ok(sum >= (line.totalMs as number) - 0.01, 'the parts account for the whole');
  const all = JSON.stringify(lines);
  assert.ok(!all.includes('metrics-password-1'));
  assert.ok(!/eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(all), 'no JWT in any line');
  assert.ok(!lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed'));
});
