import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRouteReach } from './route-reach.js';

test('a route counts as needing the database only once nearly all its recent requests reached it', () => {
  const reach = createRouteReach();
  assert.equal(reach.needsDatabase('POST /api/articles/:slug/comments'), false, 'unknown: let through');
  for (let i = 0; i < 21; i++) reach.record('POST /api/articles/:slug/comments', true);
  assert.equal(
    reach.needsDatabase('POST /api/articles/:slug/comments'),
    false,
    '21 of 21 is not enough evidence',
  );
  reach.record('POST /api/articles/:slug/comments', true);
  assert.equal(reach.needsDatabase('POST /api/articles/:slug/comments'), true);
  assert.equal(reach.needsDatabase('GET /api/tags'), false, 'routes are learned apart');
});

test('a route the cache answers half the time does not count as needing the database', () => {
  const reach = createRouteReach();
  for (let i = 0; i < 200; i++) reach.record('GET /api/articles/:slug', i % 2 === 0);
  assert.equal(reach.needsDatabase('GET /api/articles/:slug'), false);
  // …and a route that stops reaching the database (a warm cache) stops counting within a few requests.
  for (let i = 0; i < 40; i++) reach.record('GET /api/tags', true);
  assert.equal(reach.needsDatabase('GET /api/tags'), true);
  reach.record('GET /api/tags', false);
  assert.equal(reach.needsDatabase('GET /api/tags'), false);
});
