import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fingerprint, normalizeSql } from './fingerprint.js';

test('string and number literals become placeholders and parameters stay as they are', () => {
  assert.equal(
    normalizeSql("SELECT * FROM users WHERE email = 'a@b.c' AND id = 42 AND name = $1"),
    'select * from users where email = ? and id = ? and name = $1',
  );
});

test('whitespace, comments and keyword case do not change the fingerprint', () => {
  const a = fingerprint('SELECT id FROM articles WHERE author_id = $1 ORDER BY created_at DESC');
  const b = fingerprint(
    `select   id  -- the author's articles
       from articles /* newest /* nested */ first */
      WHERE author_id=$1
      order by created_at desc;`,
  );
  assert.equal(a.id, b.id);
  assert.equal(a.text, b.text);
  assert.match(a.id, /^[0-9a-f]{16}$/);
});

test('a quote escaped by doubling, or by a backslash in an E string, stays inside its literal', () => {
  assert.equal(
    normalizeSql("SELECT 1 FROM t WHERE a = 'it''s -- not a comment'"),
    'select ? from t where a = ?',
  );
  assert.equal(
    normalizeSql("SELECT * FROM t WHERE a = E'it\\'s' AND b = 2"),
    'select * from t where a = ? and b = ?',
  );
});

test('dollar-quoted strings, with or without a tag, are one literal whatever they contain', () => {
  assert.equal(
    normalizeSql("SELECT $$it's $1 'quoted'$$, $fn$ body; 'x' $$ $fn$ FROM t WHERE a = $2"),
    'select ?, ? from t where a = $2',
  );
});

test('casts keep their type and lose their value', () => {
  assert.equal(
    normalizeSql("SELECT '1'::int, '{1,2}'::int[], interval '1 day'"),
    'select ?::int, ?::int[], interval ?',
  );
});

test('a negative number is one placeholder but subtraction keeps its operator', () => {
  assert.equal(
    normalizeSql('SELECT -1, a - 1, b-2 FROM t WHERE c = -3.5e2 AND d > -$1'),
    'select ?, a - ?, b - ? from t where c = ? and d > - $1',
  );
  assert.equal(normalizeSql('SELECT * FROM t WHERE x=-1'), normalizeSql('select * from t where x = -7'));
});

test('identifiers containing digits and quoted identifiers are never changed', () => {
  assert.equal(
    normalizeSql('SELECT t1.col2, "Weird Name 3", x_1$ FROM table1 t1 WHERE t1.v2 = 5'),
    'select t1.col2, "Weird Name 3", x_1$ from table1 t1 where t1.v2 = ?',
  );
});

test('IN lists and arrays of any length share one fingerprint', () => {
  const a = fingerprint('SELECT * FROM t WHERE id IN (1, 2, 3)');
  const b = fingerprint('SELECT * FROM t WHERE id IN (7)');
  const c = fingerprint("SELECT * FROM t WHERE id in ('a','b')");
  assert.equal(a.id, b.id);
  assert.equal(a.id, c.id);
  assert.equal(a.text, 'select * from t where id in (...)');
  assert.equal(normalizeSql('SELECT * FROM t WHERE id IN ($1, $2, $3)'), 'select * from t where id in (...)');
  assert.equal(normalizeSql('SELECT ARRAY[1,2,3]'), 'select array[...]');
  // A subquery is shape, not data.
  assert.equal(
    normalizeSql('SELECT * FROM t WHERE id IN (SELECT id FROM u)'),
    'select * from t where id in (select id from u)',
  );
});

test('a multi-row VALUES keeps its first row, so batch size does not multiply fingerprints', () => {
  const two = fingerprint("INSERT INTO tags (name, n) VALUES ('a', 1), ('b', 2)");
  const three = fingerprint("INSERT INTO tags (name, n) VALUES ('a', 1), ('b', 2), ('c', 3)");
  assert.equal(two.id, three.id);
  assert.equal(two.text, 'insert into tags(name, n) values (?, ?), ...');
  assert.equal(normalizeSql('INSERT INTO t (a) VALUES ($1)'), 'insert into t(a) values ($1)');
});

test('true and false are values except in IS [NOT] TRUE', () => {
  assert.equal(
    normalizeSql('SELECT * FROM t WHERE a = TRUE AND b IS NOT FALSE AND c IS true'),
    'select * from t where a = ? and b is not false and c is true',
  );
});

test('typed string constants and numbers in other bases are literals', () => {
  assert.equal(
    normalizeSql("SELECT B'101', X'ff', N'x', U&'d\\0061', 0x1F, 1_000, .5"),
    'select ?, ?, ?, ?, ?, ?, ?',
  );
});

test('an operator that ends in a minus sign splits the way PostgreSQL splits it', () => {
  assert.equal(normalizeSql('SELECT * FROM t WHERE a<-1'), 'select * from t where a < ?');
  assert.equal(
    normalizeSql("SELECT data->>'k' FROM t WHERE data @> '{}'"),
    'select data ->> ? from t where data @> ?',
  );
});

test('the display text is cut to its maximum but the id covers the whole statement', () => {
  const long = `SELECT ${Array.from({ length: 100 }, (_, i) => `c${i}`).join(', ')} FROM t`;
  const other = long.replace('c99', 'c98');
  const a = fingerprint(long, { maxLength: 40 });
  const b = fingerprint(other, { maxLength: 40 });
  assert.equal(a.text.length, 40);
  assert.ok(a.text.endsWith('…'));
  assert.equal(a.text, b.text);
  assert.notEqual(a.id, b.id);
});

test('unterminated strings and comments do not throw', () => {
  assert.equal(normalizeSql("SELECT 'open"), 'select ?');
  assert.equal(normalizeSql('SELECT 1 /* open'), 'select ?');
  assert.equal(normalizeSql('SELECT $tag$ open'), 'select ?');
});
