import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopback, tokenMatches } from './ops-token.js';

test('only loopback addresses count as loopback, IPv4-mapped ones included', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(a), true, a);
  for (const a of ['10.0.0.1', '192.168.1.1', '::ffff:10.0.0.1', '128.0.0.1', '', undefined])
    assert.equal(isLoopback(a), false, String(a));
});

test('a token matches only itself, and an empty expected token matches nothing', () => {
  assert.equal(tokenMatches('secret-token', 'secret-token'), true);
  assert.equal(tokenMatches('secret-token ', 'secret-token'), false);
  assert.equal(tokenMatches('secret', 'secret-token'), false);
  assert.equal(tokenMatches('', ''), false);
});
