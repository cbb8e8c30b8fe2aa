import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { type ModerationServer, startModerationServer } from '../../src/moderation/index.js';
import { callApi } from '../support/api-client.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { startTestApp, startTestDatabase, type TestDatabase } from '../support/stack.js';

const run = promisify(execFile);
let database: TestDatabase;
let receiver: OtlpReceiver;
let moderation: ModerationServer;

before(async () => {
  database = await startTestDatabase();
  receiver = await startOtlpReceiver();
  moderation = await startModerationServer({ host: '127.0.0.1', port: 0, authorize: async () => undefined });
});

after(async () => {
  await moderation?.close();
  await receiver?.close();
  await database?.stop();
});

/** A pino logger at level info whose lines land, parsed, in `lines`. */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

test('with an OTLP endpoint, requests export spans for acquire, query, cache and outbound under the request span', async () => {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  let api: Awaited<ReturnType<typeof startTestApp>> | undefined;
  try {
    api = await startTestApp(
      database.url,
      { 'guard.requestBudgetMs': '10000' },
      { production: true, moderationUrl: moderation.url },
    );
    assert.ok(api.telemetry?.tracing, 'tracing is on');
    const user = { username: 'tracer', email: 'tracer@example.com', password: 'tracer-password' };
    const token = (await callApi(api.baseUrl, 'POST', '/users', undefined, { user })).body.user.token;
    const created = await callApi(api.baseUrl, 'POST', '/articles', token, {
      article: { title: 'Traced', description: 'd', body: 'b' },
    });
    assert.equal(created.status, 201);
    assert.equal((await callApi(api.baseUrl, 'GET', `/articles/${created.body.article.slug}`)).status, 200);
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    await api?.close(); // flushes the batch
  }
  assert.equal(receiver.rejected, 0);
  const byId = new Map(receiver.spans.map((s) => [s.spanId, s]));
  const children = (parent: ReceivedSpan) => receiver.spans.filter((s) => s.parentSpanId === parent.spanId);
  const post = receiver.spans.find((s) => s.name === 'POST /api/articles');
  assert.ok(post, `a server span for the POST: ${receiver.spans.map((s) => s.name).join(', ')}`);
  assert.equal(post.parentSpanId, undefined);
  assert.equal(post.attributes['http.route'], '/api/articles');
  assert.equal(post.attributes['http.response.status_code'], 201);
  const postChildren = children(post).map((s) => s.name);
  for (const name of ['db.client.connection.acquire', 'db.query', 'outbound moderation'])
    assert.ok(postChildren.includes(name), `${name} under the POST: ${postChildren.join(', ')}`);
  const insert = children(post).find((s) =>
    /^insert into articles/i.test(String(s.attributes['db.query.text'])),
  );
  assert.ok(insert, 'the insert is a query span with its normalised text');
  assert.doesNotMatch(String(insert.attributes['db.query.text']), /Traced/, 'no values in the span');
  assert.equal(
    children(post).find((s) => s.name === 'outbound moderation')?.attributes['peer.service'],
    'moderation',
  );
  const get = receiver.spans.find((s) => s.name === 'GET /api/articles/:slug');
  assert.ok(get);
  assert.ok(children(get).some((s) => s.name === 'cache.read'));
  for (const s of receiver.spans)
    if (s.parentSpanId)
      assert.equal(byId.get(s.parentSpanId)?.traceId, s.traceId, `${s.name} is in its parent's trace`);
});

test('a request with a W3C traceparent joins the caller trace, and follows its sampling decision', async () => {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  const { lines, logger } = capturedLog();
  const sampledTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
  const unsampledTrace = '5bf92f3577b34da6a3ce929d0e0e4737';
  const callerSpan = '00f067aa0ba902b7';
  let api: Awaited<ReturnType<typeof startTestApp>> | undefined;
  try {
    api = await startTestApp(
      database.url,
      { 'guard.requestBudgetMs': '10000', 'moderation.enabled': 'false', 'log.level': 'info' },
      { production: true, logger },
    );
    const get = (traceparent: string) =>
      fetch(`${api?.baseUrl}/api/tags`, { headers: { traceparent, tracestate: 'vendor=1' } });
    assert.equal((await get(`00-${sampledTrace}-${callerSpan}-01`)).status, 200);
    assert.equal((await get(`00-${unsampledTrace}-${callerSpan}-00`)).status, 200);
    // Not a valid traceparent (all-zero trace id): a new root trace, as if it were absent.
    assert.equal((await get(`00-${'0'.repeat(32)}-${callerSpan}-01`)).status, 200);
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    await api?.close(); // flushes the batch
  }
  const tags = receiver.spans.filter((s) => s.name === 'GET /api/tags');
  const joined = tags.filter((s) => s.traceId === sampledTrace);
  assert.equal(joined.length, 1, 'the sampled caller trace has our server span');
  assert.equal(joined[0]?.parentSpanId, callerSpan, 'under the caller span');
  assert.equal(
    receiver.spans.filter((s) => s.traceId === unsampledTrace).length,
    0,
    'an unsampled caller: nothing exported (parent-based sampling)',
  );
  const fresh = tags.filter((s) => s.traceId !== sampledTrace && s.traceId !== '0'.repeat(32));
  assert.equal(fresh.length, 1, 'the invalid traceparent starts a trace of its own');
  assert.equal(fresh[0]?.parentSpanId, undefined);
  const traceIds = lines.filter((l) => l.msg === 'request').map((l) => l.traceId);
  assert.deepEqual(
    traceIds,
    [sampledTrace, unsampledTrace, fresh[0]?.traceId],
    'each log line names its trace',
  );
});

test('with a ratio sampler, the sampled requests are exported under the trace id their log line names, the others not at all', async () => {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  process.env.OTEL_TRACES_SAMPLER = 'traceidratio';
  process.env.OTEL_TRACES_SAMPLER_ARG = '0.5';
  const { lines, logger } = capturedLog();
  const before = new Set(receiver.spans.map((s) => s.traceId));
  let api: Awaited<ReturnType<typeof startTestApp>> | undefined;
  try {
    api = await startTestApp(
      database.url,
      { 'guard.requestBudgetMs': '10000', 'moderation.enabled': 'false', 'log.level': 'info' },
      { production: true, logger },
    );
    for (let i = 0; i < 40; i++) assert.equal((await fetch(`${api.baseUrl}/api/tags`)).status, 200);
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_TRACES_SAMPLER;
    delete process.env.OTEL_TRACES_SAMPLER_ARG;
    await api?.close(); // flushes the batch
  }
  const logged = lines.filter((l) => l.msg === 'request').map((l) => String(l.traceId));
  assert.equal(logged.length, 40);
  assert.ok(
    logged.every((id) => /^[0-9a-f]{32}$/.test(id) && id !== '0'.repeat(32)),
    logged.join(' '),
  );
  assert.equal(new Set(logged).size, 40, 'a trace id per request');
  const ratio = new TraceIdRatioBasedSampler(0.5);
  const shouldBeSampled = logged.filter(
    (id) => ratio.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED,
  );
  const exported = receiver.spans.filter((s) => s.name === 'GET /api/tags' && !before.has(s.traceId));
  assert.deepEqual(exported.map((s) => s.traceId).sort(), [...shouldBeSampled].sort());
  // 40 fair coins: both sides are there (all on one side has a chance of 2 in 2^40).
  assert.ok(shouldBeSampled.length > 0 && shouldBeSampled.length < 40, `${shouldBeSampled.length} of 40`);
});

/** Which @opentelemetry modules a process resolves while it builds a worker's telemetry. */
async function otelModulesResolved(env: NodeJS.ProcessEnv): Promise<string[]> {
  const log = join(tmpdir(), `bulwark-resolve-${process.pid}-${Date.now()}.log`);
  writeFileSync(log, '');
  const script = `
    const { createWorkerTelemetry } = await import('./src/scale/index.js');
    const { loadConfig } = await import('./src/config/index.js');
    const r = loadConfig({ env: {}, flags: {}, file: undefined });
    const t = await createWorkerTelemetry(r.config);
    console.log(t.tracing ? 'tracing on' : 'tracing off');
    await t.close();`;
  try {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/support/otel-resolve-register.mjs',
        '--input-type=module',
        '-e',
        script,
      ],
      { env: { ...process.env, ...env, BULWARK_RESOLVE_LOG: log } },
    );
    const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    return [stdout.trim(), ...modules];
  } finally {
    rmSync(log, { force: true });
  }
}

test('without an OTLP endpoint no OpenTelemetry module is even loaded', async () => {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
  const [off, ...offModules] = await otelModulesResolved(env);
  assert.equal(off, 'tracing off');
  assert.deepEqual(offModules, []);
  // The probe itself can see them: with an endpoint, the same start-up resolves the SDK.
  const [on, ...onModules] = await otelModulesResolved({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  assert.equal(on, 'tracing on');
  assert.ok(
    onModules.some((m) => m.includes('@opentelemetry/sdk-trace-base')),
    onModules.join('\n'),
  );
});
