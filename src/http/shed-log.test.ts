import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { BulwarkError } from '../errors/index.js';
import { installErrorHandler } from './error-handler.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger: FastifyBaseLogger = pino({ level: 'info' }, stream);
  return { lines, logger };
}

test('a thousand overload answers are one summary line, not a thousand stack traces', async () => {
  const { lines, logger } = capture();
  const app = Fastify({ loggerInstance: logger });
  installErrorHandler(app);
  app.get('/shed', async () => {
    throw new BulwarkError('DATA_ERR_OVERLOADED', 'the database queue is standing');
  });
  app.get('/cancelled', async () => {
    throw new BulwarkError('DATA_ERR_CANCELLED', 'the client went away');
  });
  app.get('/broken', async () => {
    throw new BulwarkError('DATA_ERR_UNAVAILABLE', 'the database cannot be reached');
  });
  for (let i = 0; i < 1000; i++) {
    const res = await app.inject({ url: i % 4 === 0 ? '/cancelled' : '/shed' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '1');
  }
  const broken = await app.inject({ url: '/broken' });
  assert.equal(broken.statusCode, 503);
  await app.close(); // flushes the pending summary

  const perRequest = lines.filter((l) => l.msg === 'request failed');
  assert.deepEqual(
    perRequest.map((l) => l.code),
    ['DATA_ERR_UNAVAILABLE'],
    'a failure that is not a shed is still logged on its own',
  );
  const summaries = lines.filter((l) => l.shed !== undefined);
  assert.equal(summaries.length, 1);
  assert.deepEqual(summaries[0]?.shed, { DATA_ERR_OVERLOADED: 750, DATA_ERR_CANCELLED: 250 });
  assert.equal(summaries[0]?.total, 1000);
  const others = lines.filter((l) => l.msg !== 'request failed');
  assert.ok(
    !others.some((l) => JSON.stringify(l).includes('"stack"')),
    'no stack trace was logged for a shed',
  );
});
