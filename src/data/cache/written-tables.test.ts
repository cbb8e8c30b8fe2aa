import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withWriteEffects, writtenTables } from './written-tables.js';

test('the written tables of INSERT, UPDATE and DELETE statements are found', () => {
  assert.deepEqual(writtenTables('INSERT INTO articles (slug) VALUES ($1) RETURNING id'), {
    tables: ['articles'],
    deletes: [],
  });
  assert.deepEqual(writtenTables('update public."users" set bio = $1 where id = $2').tables, ['users']);
  assert.deepEqual(writtenTables('DELETE FROM favorites WHERE user_id = $1'), {
    tables: ['favorites'],
    deletes: ['favorites'],
  });
  assert.deepEqual(
    writtenTables('WITH a AS (DELETE FROM article_tags WHERE article_id = $1) UPDATE articles SET x = 1'),
    { tables: ['article_tags', 'articles'], deletes: ['article_tags'] },
  );
});

test('ON CONFLICT DO UPDATE and SELECT … FOR UPDATE write no extra table, and a SELECT writes none', () => {
  assert.deepEqual(
    writtenTables('INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name')
      .tables,
    ['tags'],
  );
  assert.deepEqual(writtenTables('SELECT id FROM users WHERE id = $1 FOR UPDATE').tables, []);
  assert.deepEqual(writtenTables('SELECT id FROM users FOR NO KEY UPDATE SKIP LOCKED').tables, []);
  assert.deepEqual(writtenTables('SELECT updated_at FROM articles').tables, []);
});

test('a favorite also invalidates the counters its trigger moves, and nothing else', () => {
  assert.deepEqual(withWriteEffects(writtenTables('INSERT INTO favorites VALUES ($1, $2, $3)')), [
    'articles',
    'counters',
    'favorites',
    'users',
  ]);
  assert.deepEqual(withWriteEffects(writtenTables('INSERT INTO article_tags VALUES ($1)')), [
    'article_tags',
    'tags',
  ]);
  assert.deepEqual(withWriteEffects(writtenTables('INSERT INTO comments VALUES ($1)')), ['comments']);
});

test('deleting an article follows its cascades and their triggers', () => {
  assert.deepEqual(withWriteEffects(writtenTables('DELETE FROM articles WHERE slug = $1')), [
    'article_tags',
    'articles',
    'comments',
    'counters',
    'favorites',
    'tags',
    'users',
  ]);
});
