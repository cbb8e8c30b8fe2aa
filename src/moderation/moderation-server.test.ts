import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ModerationServer, startModerationServer } from './moderation-server.js';

let server: ModerationServer;
// A stand-in for the ops-token check, so this test needs no console.
const authorize = async (request: FastifyRequest, reply: FastifyReply) =>
  request.headers.authorization === 'Bearer ok' ? undefined : reply.status(401).send({ error: 'no' });

before(async () => {
  server = await startModerationServer({ host: '127.0.0.1', port: 0, authorize, random: () => 0.5 });
});
after(() => server?.close());

const moderate = (body: unknown) =>
  fetch(`${server.url}/v1/moderate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('clean text is accepted and text with a flagged term is flagged, with the reason', async () => {
  const clean = await moderate({ text: 'How to train your dragon' });
  assert.equal(clean.status, 200);
  assert.deepEqual(await clean.json(), { decision: 'accept', reasons: [] });
  const spam = await moderate({ text: 'Win big at the CASINO today' });
  assert.deepEqual(await spam.json(), { decision: 'flag', reasons: ['term: casino'] });
});

test('bad input gets a 4xx with a body, never a 500', async () => {
  for (const body of [{}, { text: 3 }, { text: 'x', extra: 1 }]) {
    const res = await moderate(body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(typeof ((await res.json()) as { error: string }).error, 'string');
  }
  const notJson = await fetch(`${server.url}/v1/moderate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{',
  });
  assert.equal(notJson.status, 400);
});

test('faults change only with the token, and then delay or fail the answers', async () => {
  const put = (body: unknown, token?: string) =>
    fetch(`${server.url}/v1/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  assert.equal((await put({ delayMs: 100 })).status, 401);
  assert.deepEqual(server.faults, { delayMs: 0, errorRate: 0 });
  assert.equal((await put({ delayMs: -1 }, 'ok')).status, 422);
  assert.equal((await put({}, 'ok')).status, 422);
  const set = await put({ delayMs: 150 }, 'ok');
  assert.equal(set.status, 200);
  assert.deepEqual(await set.json(), { delayMs: 150, errorRate: 0 });
  const t0 = performance.now();
  assert.equal((await moderate({ text: 'slow' })).status, 200);
  assert.ok(performance.now() - t0 >= 140, 'the answer waited for the injected delay');
  await put({ delayMs: 0, errorRate: 1 }, 'ok');
  assert.equal((await moderate({ text: 'fails' })).status, 503);
  await put({ errorRate: 0 }, 'ok');
  assert.deepEqual(await (await fetch(`${server.url}/v1/faults`)).json(), { delayMs: 0, errorRate: 0 });
});
