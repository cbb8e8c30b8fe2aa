import assert from 'node:assert/strict';
import { test } from 'node:test';
import { userKeyOf } from './user-key.js';

const jwt = (payload: object) =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

test('a user counts once whether or not the route verified the token; anonymous requests count by address', () => {
  assert.equal(userKeyOf('42', `Token ${jwt({ sub: '42' })}`, '127.0.0.1'), 'user:42');
  assert.equal(userKeyOf(undefined, `Token ${jwt({ sub: '42', exp: 1 })}`, '127.0.0.1'), 'user:42');
  assert.equal(userKeyOf(undefined, `Bearer ${jwt({ sub: '7' })}`, '127.0.0.1'), 'user:7');
  assert.equal(userKeyOf(undefined, undefined, '10.0.0.9'), 'ip:10.0.0.9');
  assert.equal(userKeyOf(undefined, 'Token not-a-jwt', '::1'), 'ip:::1');
  assert.equal(userKeyOf(undefined, `Token ${jwt({ sub: 'admin' })}`, '::1'), 'ip:::1');
  assert.equal(userKeyOf(undefined, 'Token a.%%%.c', '::1'), 'ip:::1');
});
