import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installErrorHandler } from './error-handler.js';
import { installLoadShedding, SHED_MIN_INFLIGHT } from './load-shedding.js';

function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // the worker is busy: nothing else runs
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('while the event loop lags past the bound with many requests in flight, new requests get 503 with Retry-After before any handler runs, health still answers, and service resumes after', async () => {
  const app = Fastify();
  installErrorHandler(app);
  await installLoadShedding(app, 20);
  let handled = 0;
  app.get('/api/tags', async () => {
    handled++;
    return { tags: [] };
  });
  // Requests held open, as a spike's would be waiting for the database.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  app.get('/api/held', async () => {
    await held;
    return {};
  });
  app.get('/health/live', async () => ({ status: 'ok' }));
  await app.ready();
  try {
    await sleep(250); // a first quiet sample
    const before = await app.inject({ url: '/api/tags' });
    assert.equal(before.statusCode, 200);

    // With one request in flight, lag alone is a busy machine, not this worker's load: served.
    blockFor(500);
    await sleep(20); // the overdue sample reads the 500 ms stall
    const lone = await app.inject({ url: '/api/tags' });
    assert.equal(lone.statusCode, 200, 'a lone client is never refused for lag it did not cause');

    await sleep(300); // quiet samples again before the held requests arrive
    const holding = Array.from({ length: SHED_MIN_INFLIGHT + 1 }, () => app.inject({ url: '/api/held' }));
    await sleep(300); // quiet samples, and the held requests are in flight
    blockFor(500);
    await sleep(20);
    const refused = await app.inject({ url: '/api/tags' });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.headers['retry-after'], '1');
    const body = refused.json();
    assert.equal(body.code, 'HTTP_ERR_OVERLOADED');
    assert.deepEqual(Object.keys(body.errors), ['body']);
    assert.equal(handled, 2, 'the refused request never reached its handler');
    const health = await app.inject({ url: '/health/live' });
    assert.equal(health.statusCode, 200, 'a probe still sees the worker alive');

    release();
    assert.deepEqual(new Set((await Promise.all(holding)).map((r) => r.statusCode)), new Set([200]));
    await sleep(350); // quiet samples again
    const after = await app.inject({ url: '/api/tags' });
    assert.equal(after.statusCode, 200);
    assert.equal(handled, 3);
  } finally {
    await app.close();
  }
});
