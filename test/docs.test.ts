import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { optionsMarkdown } from '../src/cli/commands/config.js';
import { ERRORS } from '../src/errors/index.js';

test('docs/config.md lists exactly the options of the schema, with their defaults', () => {
  const doc = readFileSync('docs/config.md', 'utf8');
  const table = doc.split('<!-- options:begin -->')[1]?.split('<!-- options:end -->')[0]?.trim();
  assert.equal(table, optionsMarkdown(), 'regenerate the table with `bulwark config --markdown`');
});

test('docs/errors.md lists exactly the codes of the registry, with their status and retryability', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const rows = [...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d+|—)\s*\|\s*(yes|no)\s*\|/gm)].map((m) => [
    m[1],
    m[2],
    m[3],
  ]);
  const expected = Object.entries(ERRORS).map(([code, e]) => [
    code,
    e.status ? String(e.status) : '—',
    e.retryable ? 'yes' : 'no',
  ]);
  assert.deepEqual(rows, expected);
});
