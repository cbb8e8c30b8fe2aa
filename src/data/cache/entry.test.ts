import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEntry, encodeEntry, entryState, normalizeTables } from './entry.js';

const entry = { v: { title: 'A' }, vs: ['3', '7'], x: 1_000, d: 5 };

test('an entry is fresh while its table versions are unchanged and its TTL has not passed', () => {
  assert.equal(entryState(entry, ['3', '7'], 999), 'fresh');
});

test('an entry is stale as soon as any of its tables has a new version', () => {
  assert.equal(entryState(entry, ['4', '7'], 0), 'stale');
  assert.equal(entryState(entry, ['3', '8'], 0), 'stale');
});

test('a lower version is as stale as a higher one: versions compare for equality only', () => {
  assert.equal(entryState(entry, ['2', '7'], 0), 'stale');
});

test('an entry with current versions is expired at its expiry time', () => {
  assert.equal(entryState(entry, ['3', '7'], 1_000), 'expired');
});

test('an entry survives encoding and anything else decodes to undefined', () => {
  assert.deepEqual(decodeEntry(encodeEntry(entry)), entry);
  assert.equal(decodeEntry('not json'), undefined);
  assert.equal(decodeEntry('{"v":1}'), undefined);
  assert.equal(decodeEntry('null'), undefined);
});

test('table lists are sorted and deduplicated', () => {
  assert.deepEqual(normalizeTables(['users', 'articles', 'users']), ['articles', 'users']);
});
