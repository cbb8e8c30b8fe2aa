import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterColumns, suggestIndex } from './index-suggestion.js';

test('the columns of a Seq Scan filter come out equality first', () => {
  assert.deepEqual(filterColumns('(author_id = ?)'), ['author_id']);
  assert.deepEqual(filterColumns('((created_at > ?) AND (author_id = ?))'), ['author_id', 'created_at']);
  assert.deepEqual(filterColumns('((c.article_id = ?) AND (c.deleted_at IS NULL))'), ['article_id']);
  assert.deepEqual(filterColumns('("Tag" ~~ ?::text)'), ['tag']);
});

test('an index is suggested for the biggest filtered scan, and none when there is no filter', () => {
  const plan = (seqScans: { relation: string; estimatedRows: number; filter?: string }[]) => ({
    top: { nodeType: 'Limit' },
    totalCost: 1,
    estimatedRows: 1,
    seqScans,
    indexes: [],
  });
  assert.equal(
    suggestIndex(
      plan([
        { relation: 'tags', estimatedRows: 10, filter: '(name = ?)' },
        { relation: 'comments', estimatedRows: 2e5, filter: '(article_id = ?)' },
      ]),
    ),
    'CREATE INDEX CONCURRENTLY ON comments (article_id)',
  );
  assert.equal(suggestIndex(plan([{ relation: 'tags', estimatedRows: 10 }])), undefined);
  assert.equal(suggestIndex(null), undefined);
});
