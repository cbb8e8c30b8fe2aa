import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isExplainable } from './explain-policy.js';

test('plain and WITH selects are explained', () => {
  assert.equal(isExplainable('SELECT * FROM articles WHERE author_id = $1'), true);
  assert.equal(isExplainable('  /* listing */ WITH a AS (SELECT 1) SELECT * FROM a'), true);
  assert.equal(isExplainable('(SELECT 1) UNION (SELECT 2)'), true);
});

test('a select that locks rows is explained, since EXPLAIN locks no row', () => {
  assert.equal(isExplainable('SELECT * FROM articles WHERE id = $1 FOR UPDATE'), true);
  assert.equal(isExplainable('SELECT * FROM articles WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED'), true);
  assert.equal(isExplainable('SELECT * FROM articles WHERE id = $1 FOR KEY SHARE'), true);
});

test('writes, SELECT INTO, data-modifying CTEs and utility statements are not explained', () => {
  for (const sql of [
    'INSERT INTO t (a) VALUES ($1)',
    'UPDATE t SET a = 1',
    'DELETE FROM t',
    'SELECT * INTO copy FROM t',
    'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
    'BEGIN',
    'SET statement_timeout = 5',
    'SELECT 1; DELETE FROM t',
  ]) {
    assert.equal(isExplainable(sql), false, sql);
  }
});

test('words inside literals or identifiers do not count as writes', () => {
  assert.equal(isExplainable("SELECT * FROM t WHERE body = 'please delete me'"), true);
  assert.equal(isExplainable('SELECT updated_at, insert_count FROM t'), true);
});
