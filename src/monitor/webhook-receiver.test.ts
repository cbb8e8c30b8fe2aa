import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { type OpsEvent, OpsEventBus } from '../telemetry/index.js';
import { AlertStateMachine } from './alert-state.js';
import { webhookPayloads } from './webhook-payload.js';
import { alertWebhookRoutes } from './webhook-receiver.js';

const TOKEN = 'test-ops-token-0123456789';

async function app() {
  const bus = new OpsEventBus();
  const events: OpsEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const server = Fastify({ logger: false });
  await alertWebhookRoutes(server, {
    bus,
    authorize: async (req, reply) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        await reply.status(401).send({ errors: { token: ['is missing or wrong'] } });
      }
    },
  });
  await server.ready();
  return { server, events };
}

const payload = () => {
  const m = new AlertStateMachine();
  const t = m.update(Date.UTC(2026, 0, 1), [
    {
      labels: { alertname: 'HighErrorRate', severity: 'page', job: 'bulwark' },
      annotations: { summary: '5xx over 2%' },
      active: true,
      forMs: 0,
    },
  ]);
  return webhookPayloads(
    t.map((x) => x.alert),
    { receiver: 'bulwark', externalURL: 'http://alertmanager.local' },
  )[0];
};

const post = (server: Awaited<ReturnType<typeof app>>['server'], body: unknown, auth = true) =>
  server.inject({
    method: 'POST',
    url: '/ops/alerts',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${TOKEN}` } : {}) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

test('an Alertmanager webhook posted in becomes one ops event per alert', async () => {
  const { server, events } = await app();
  const res = await post(server, payload());
  assert.equal(res.statusCode, 202);
  assert.deepEqual(res.json(), { accepted: 1 });
  assert.equal(events.length, 1);
  assert.deepEqual(
    [events[0]?.source, events[0]?.kind, events[0]?.at, events[0]?.summary, events[0]?.data?.origin],
    [
      'alert',
      'alert.firing',
      '2026-01-01T00:00:00.000Z',
      'HighErrorRate firing (page): 5xx over 2%',
      'alertmanager',
    ],
  );
  await server.close();
});

test('a webhook without the ops token is refused and emits nothing', async () => {
  const { server, events } = await app();
  const res = await post(server, payload(), false);
  assert.equal(res.statusCode, 401);
  assert.deepEqual(events, []);
  await server.close();
});

test('a malformed webhook is a 422 listing every problem, and emits nothing', async () => {
  const { server, events } = await app();
  const bad = { ...payload(), version: '3', alerts: [{ status: 'burning', labels: {} }] };
  const res = await post(server, bad);
  assert.equal(res.statusCode, 422);
  const body = res.json() as { errors: { body: string[] }; code: string };
  assert.equal(body.code, 'HTTP_ERR_VALIDATION');
  const text = body.errors.body.join('\n');
  assert.match(text, /^version: /m);
  assert.match(text, /^alerts\.0\.status: /m);
  assert.match(text, /^alerts\.0\.labels(\.alertname)?: /m);
  assert.match(text, /^alerts\.0\.startsAt: /m);
  const valid = payload();
  assert.ok(valid);
  const times = { ...valid, alerts: valid.alerts.map((a) => ({ ...a, startsAt: 'yesterday' })) };
  const res2 = await post(server, times);
  assert.equal(res2.statusCode, 422);
  assert.deepEqual((res2.json() as { errors: { body: string[] } }).errors.body, [
    'alerts.0.startsAt: must be an RFC 3339 time',
  ]);
  const arr = await post(server, [1, 2]);
  assert.equal(arr.statusCode, 422);
  assert.deepEqual((arr.json() as { errors: { body: string[] } }).errors.body, [
    'body: must be a JSON object',
  ]);
  assert.deepEqual(events, []);
  await server.close();
});

test('a body that is not JSON is a 400, never a 500', async () => {
  const { server, events } = await app();
  const res = await post(server, '{"version":');
  assert.equal(res.statusCode, 400);
  assert.equal((res.json() as { code: string }).code, 'HTTP_ERR_MALFORMED_JSON');
  assert.deepEqual(events, []);
  await server.close();
});
