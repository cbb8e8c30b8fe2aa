import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { callApi } from '../support/api-client.js';
import { startTestApp, startTestDatabase, type TestApp, type TestDatabase } from '../support/stack.js';

let database: TestDatabase;
let api: TestApp;
let sql: pg.Client;

const call = (method: string, path: string, token?: string, body?: unknown) =>
  callApi(api.baseUrl, method, path, token, body);

const register = (username: string, email: string, password = 'password123') =>
  call('POST', '/users', undefined, { user: { username, email, password } });

before(async () => {
  database = await startTestDatabase();
  api = await startTestApp(database.url);
  sql = new pg.Client(database.url);
  await sql.connect();
});

after(async () => {
  await sql?.end();
  await api?.close();
  await database?.stop();
});

test('passwords are stored as salted scrypt, never in the clear, and two equal passwords hash differently', async () => {
  await register('hash1', 'hash1@example.com');
  await register('hash2', 'hash2@example.com');
  const { rows } = await sql.query("SELECT password_hash FROM users WHERE username IN ('hash1', 'hash2')");
  assert.equal(rows.length, 2);
  for (const r of rows)
    assert.match(r.password_hash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.notEqual(rows[0].password_hash, rows[1].password_hash);
});

test('emails are unique without regard to case, and login ignores case', async () => {
  assert.equal((await register('case1', 'Case@Example.com')).status, 201);
  const dup = await register('case2', 'case@example.COM');
  assert.equal(dup.status, 409);
  assert.deepEqual(dup.body.errors, { email: ['has already been taken'] });
  const login = await call('POST', '/users/login', undefined, {
    user: { email: 'CASE@example.com', password: 'password123' },
  });
  assert.equal(login.status, 200);
  assert.equal(login.body.user.email, 'Case@Example.com');
});

test('a username and an email both taken are both reported', async () => {
  await register('both', 'both@example.com');
  const dup = await register('both', 'both@example.com');
  assert.equal(dup.status, 409);
  assert.deepEqual(dup.body.errors, {
    username: ['has already been taken'],
    email: ['has already been taken'],
  });
});

test('concurrent registrations of one username create exactly one user; the others get 409', async () => {
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => register('racer', `racer${i}@example.com`)),
  );
  assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409]);
  const { rows } = await sql.query("SELECT count(*)::int AS n FROM users WHERE username = 'racer'");
  assert.equal(rows[0].n, 1);
});

test('changing to a taken username is 409 and changes nothing', async () => {
  await register('first', 'first@example.com');
  const second = await register('second', 'second@example.com');
  const res = await call('PUT', '/user', second.body.user.token, {
    user: { username: 'first', bio: 'changed' },
  });
  assert.equal(res.status, 409);
  assert.deepEqual(res.body.errors, { username: ['has already been taken'] });
  const { rows } = await sql.query("SELECT username, bio FROM users WHERE email = 'second@example.com'");
  assert.deepEqual(rows, [{ username: 'second', bio: null }]);
});

test('a changed password works at the next login and the old one no longer does', async () => {
  const reg = await register('pw', 'pw@example.com');
  const put = await call('PUT', '/user', reg.body.user.token, { user: { password: 'a-new-password' } });
  assert.equal(put.status, 200);
  const old = await call('POST', '/users/login', undefined, {
    user: { email: 'pw@example.com', password: 'password123' },
  });
  assert.equal(old.status, 401);
  assert.deepEqual(old.body.errors, { credentials: ['invalid'] });
  const next = await call('POST', '/users/login', undefined, {
    user: { email: 'pw@example.com', password: 'a-new-password' },
  });
  assert.equal(next.status, 200);
});

test('an unknown email and a wrong password get the same 401', async () => {
  const unknown = await call('POST', '/users/login', undefined, {
    user: { email: 'nobody@example.com', password: 'password123' },
  });
  const wrong = await call('POST', '/users/login', undefined, {
    user: { email: 'pw@example.com', password: 'wrong-password' },
  });
  assert.equal(unknown.status, 401);
  assert.deepEqual(unknown.body.errors, wrong.body.errors);
});

test('a Bearer header is accepted like a Token header', async () => {
  const reg = await register('bearer', 'bearer@example.com');
  const res = await fetch(`${api.baseUrl}/api/user`, {
    headers: { authorization: `Bearer ${reg.body.user.token}` },
  });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { user: { username: string } }).user.username, 'bearer');
});
