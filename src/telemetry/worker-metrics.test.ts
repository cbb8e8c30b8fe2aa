import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkerMetrics } from './worker-metrics.js';

test('only the first N fingerprints get a series; the rest count under "other"', async () => {
  const m = createWorkerMetrics({ sources: {}, fingerprintSeries: 2, runtime: false });
  for (let i = 0; i < 5; i++)
    m.observeStatement({
      fingerprint: { id: `fp${i}`, text: `select ${i}` },
      durationMs: 1,
      poolWaitMs: 0.5,
      acquired: true,
    });
  const text = await m.registry.metrics();
  const labels = [
    ...text.matchAll(/db_client_operation_duration_seconds_count\{db_query_fingerprint="([^"]+)"\} (\d+)/g),
  ].map((x) => `${x[1]}=${x[2]}`);
  assert.deepEqual(labels.sort(), ['fp0=1', 'fp1=1', 'other=3']);
  assert.equal([...text.matchAll(/^bulwark_db_query_fingerprint_info\{/gm)].length, 2);
  assert.match(text, /^db_client_connection_wait_time_seconds_count 5$/m);
});

test('an unknown HTTP method is labelled _OTHER, so methods cannot grow the series', async () => {
  const m = createWorkerMetrics({ sources: {}, runtime: false });
  m.observeRequest('/api/tags', 'BREW', 405, 0.001);
  m.observeRequest('/api/tags', 'GET', 200, 0.001);
  const text = await m.registry.metrics();
  assert.match(text, /http_request_method="_OTHER"/);
  assert.doesNotMatch(text, /BREW/);
});

test('counters that mirror the data layer report its cumulative numbers at each scrape', async () => {
  let hits = 3;
  const m = createWorkerMetrics({
    runtime: false,
    sources: {
      cache: () => ({ hits, misses: 1, evictions: 0, deferredInvalidations: 2, bytes: 10, entries: 1 }),
      admission: () => ({
        limit: 4,
        queueLength: 2,
        classes: { critical: { inflight: 1, queued: 2, rejected: { deadline: 5, shed: 1 } } },
      }),
      pool: () => ({ max: 5, used: 4, idle: 1, waiting: 1 }),
    },
  });
  assert.match(await m.registry.metrics(), /^bulwark_cache_hits_total 3$/m);
  hits = 7;
  const text = await m.registry.metrics();
  assert.match(text, /^bulwark_cache_hits_total 7$/m);
  assert.match(text, /^bulwark_cache_deferred_invalidations_total 2$/m);
  assert.match(text, /^bulwark_admission_rejections_total\{query_class="critical",reason="deadline"\} 5$/m);
  assert.match(text, /^db_client_connection_pending_requests 3$/m);
  assert.match(text, /^db_client_connection_count\{db_client_connection_state="used"\} 4$/m);
});
