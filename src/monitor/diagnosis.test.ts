import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DiagnosisVerdict } from '../telemetry/index.js';
import { diagnose, healthyComponents, verdictLine } from './diagnosis.js';
import type { DiagnosisWindow, QueryWindow } from './diagnosis-input.js';

const BY_AUTHOR =
  'select a.id, a.slug, a.title from articles a where a.author_id = $1 order by a.created_at desc limit $2';
const USER = 'select id, username, bio, image from users where id = $1';
const FAVORITE = 'update articles set favorites_count = favorites_count + $1 where id = $2';
const TAGS = 'select name from tags order by article_count desc limit $1';

const q = (
  id: string,
  text: string,
  calls: number,
  meanMs: number,
  extra: Partial<QueryWindow> = {},
): QueryWindow => ({
  id,
  text,
  calls,
  totalMs: calls * meanMs * 1.1,
  meanMs,
  plan: null,
  ...extra,
});

/** A calm 10 s at 100 requests/s on two workers: the baseline every trial departs from. */
function calm(): DiagnosisWindow {
  const queries = [
    q('author', BY_AUTHOR, 800, 0.4),
    q('user', USER, 1500, 0.3),
    q('fav', FAVORITE, 200, 0.8),
    q('tags', TAGS, 500, 0.5),
  ];
  const queryMs = queries.reduce((s, x) => s + x.totalMs, 0);
  return {
    durationS: 10,
    requests: 1000,
    errors: 0,
    requestMs: 5000,
    poolWaitMs: 100,
    queryMs,
    queryCalls: 3000,
    cacheMs: 100,
    cacheHits: 900,
    cacheMisses: 100,
    queries,
    dependencies: [{ name: 'moderation', calls: 50, totalMs: 550, meanMs: 10, p99Ms: 20, errors: 0 }],
    workers: { count: 2, cpu: 0.35, cpuWait: 0.02, eventLoopUtilisation: 0.4, eventLoopDelayP99Ms: 15 },
    pool: { size: 6, busy: 2, waiting: 0 },
    locks: { waiting: 0, maxWaitMs: 0, blockedFingerprints: [] },
    dbRoundTripMs: 0.3,
    dbActive: 0.2,
    rejections: 0,
  };
}

const at = Date.UTC(2026, 0, 1);
const run = (current: DiagnosisWindow, baseline: DiagnosisWindow | null = calm()) =>
  diagnose({ at, current, baseline, poolPerWorker: 3 });

function assertTop(v: DiagnosisVerdict, component: string, healthy: string[]) {
  if (process.env.SHOW_VERDICTS) console.log(JSON.stringify(v, null, 1));
  assert.equal(v.suspects[0]?.component, component, JSON.stringify(v, null, 2));
  const h = healthyComponents(v);
  for (const c of healthy) assert.ok(h.includes(c), `${c} should be healthy: ${JSON.stringify(v.healthy)}`);
  assert.ok(!h.includes(component), `${component} must not be both suspect and healthy`);
}

test('a calm window names no suspect and lists every component as healthy', () => {
  const v = run(calm());
  assert.deepEqual(v.suspects, []);
  assert.deepEqual(healthyComponents(v).sort(), [
    'cache',
    'db.lock',
    'db.network',
    'db.pool',
    'db.query',
    'db.server',
    'dependency',
    'worker.cpu',
  ]);
  assert.equal(verdictLine(v), 'no bottleneck found; every component checked is normal');
});

test('(a) a missing index under load: the seq-scanning query is named with its plan and an index, the pool queue charged to it', () => {
  const w = calm();
  const plan = {
    top: { nodeType: 'Limit' },
    totalCost: 4100,
    estimatedRows: 20,
    seqScans: [{ relation: 'articles', estimatedRows: 100_000, filter: '(author_id = ?)' }],
    indexes: [],
  };
  w.queries[0] = q('author', BY_AUTHOR, 400, 180, { plan });
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.queryCalls = 2600;
  w.poolWaitMs = 60_000;
  w.requestMs = 150_000;
  w.pool = { size: 6, busy: 6, waiting: 64 };
  const v = run(w);
  assertTop(v, 'db.query', ['db.network', 'dependency', 'worker.cpu', 'db.lock']);
  const top = v.suspects[0];
  assert.equal(top?.target, 'author');
  assert.match(
    top?.summary ?? '',
    /mean went 0\.40 ms → 180 ms at 40\.0 calls\/s; plan: Seq Scan on articles/,
  );
  assert.equal(top?.suggestion, 'suggested index: CREATE INDEX CONCURRENTLY ON articles (author_id)');
  assert.ok(
    top?.evidence.some((e) =>
      e.includes('Seq Scan on articles (100,000 rows estimated), filter (author_id = ?)'),
    ),
  );
  assert.ok((top?.confidence ?? 0) >= 0.5, String(top?.confidence));
  // the queue is a consequence, ranked below if at all
  const pool = v.suspects.find((s) => s.component === 'db.pool');
  if (pool) assert.match(pool.summary, /because statements hold them/);
});

test('(a) without any baseline, an absolute slow statement with a Seq Scan is still named', () => {
  const w = calm();
  w.queries[0] = q('author', BY_AUTHOR, 400, 180, {
    plan: {
      top: { nodeType: 'Seq Scan' },
      totalCost: 1,
      estimatedRows: 1,
      seqScans: [{ relation: 'articles', estimatedRows: 1e5, filter: '(author_id = ?)' }],
      indexes: [],
    },
  });
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.requestMs = 120_000;
  w.poolWaitMs = 30_000;
  const v = run(w, null);
  assert.equal(v.suspects[0]?.component, 'db.query');
  assert.equal(v.suspects[0]?.target, 'author');
});

test('(b) network latency to PostgreSQL: every statement slower by a round trip names the network, not the statements', () => {
  const w = calm();
  w.queries = w.queries.map((x) => q(x.id, x.text, x.calls, x.meanMs + 40));
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.poolWaitMs = 30_000;
  w.requestMs = w.queryMs + w.poolWaitMs + 2_000;
  w.pool = { size: 6, busy: 6, waiting: 20 };
  w.dbRoundTripMs = 40.5;
  const v = run(w);
  assertTop(v, 'db.network', ['dependency', 'worker.cpu', 'db.lock', 'cache']);
  assert.match(v.suspects[0]?.summary ?? '', /round trip to PostgreSQL went 0\.30 ms → 40\.5 ms/);
  assert.ok(!v.suspects.some((s) => s.component === 'db.query'), JSON.stringify(v.suspects));
});

test('(c) the moderation dependency slow: named with its mean change, the database reported normal', () => {
  const w = calm();
  w.dependencies = [
    { name: 'moderation', calls: 50, totalMs: 50 * 290, meanMs: 290, p99Ms: 300, errors: 12 },
  ];
  w.requestMs = 5000 + 50 * 280;
  const v = run(w);
  assertTop(v, 'dependency', ['db.pool', 'db.network', 'db.query', 'db.lock', 'worker.cpu']);
  assert.equal(v.suspects[0]?.target, 'moderation');
  assert.match(v.suspects[0]?.summary ?? '', /moderation mean went 10\.0 ms → 290 ms/);
});

test('(d) worker CPU saturated: the event loop delay inflates every timing, the workers are named', () => {
  const w = calm();
  w.workers = { count: 2, cpu: 0.98, cpuWait: 0, eventLoopUtilisation: 0.97, eventLoopDelayP99Ms: 180 };
  // queries measured inside a blocked worker look slower too, by up to the loop delay
  w.queries = w.queries.map((x) => q(x.id, x.text, x.calls, x.meanMs + 30));
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.requestMs = w.queryMs + 40_000;
  const v = run(w);
  assertTop(v, 'worker.cpu', ['db.network', 'dependency', 'db.lock']);
  assert.match(v.suspects[0]?.summary ?? '', /event-loop delay p99 180 ms \(baseline 15\.0 ms\)/);
});

test('(e) lock contention on a hot row: the blocked update and the lock are named, not the network', () => {
  const w = calm();
  w.queries[2] = q('fav', FAVORITE, 100, 900);
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.poolWaitMs = 40_000;
  w.requestMs = w.queryMs + w.poolWaitMs + 3000;
  w.pool = { size: 6, busy: 6, waiting: 30 };
  w.locks = { waiting: 5, maxWaitMs: 4200, blockedFingerprints: ['fav'], blockedQuery: FAVORITE };
  const v = run(w);
  assertTop(v, 'db.lock', ['db.network', 'dependency', 'worker.cpu']);
  assert.equal(v.suspects[0]?.target, 'fav');
  assert.match(v.suspects[0]?.summary ?? '', /5 sessions waiting on a lock for up to 4200 ms/);
  assert.ok(!v.suspects.some((s) => s.component === 'db.query'), JSON.stringify(v.suspects));
});

test('(f) a pool too small for fast statements at a high rate: the pool is named with a sizing suggestion', () => {
  const w = calm();
  w.requests = 8000;
  w.durationS = 10;
  w.queries = w.queries.map((x) => q(x.id, x.text, x.calls * 8, x.meanMs * 1.3));
  w.queryCalls = 24_000;
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.poolWaitMs = 160_000;
  w.requestMs = w.queryMs + w.poolWaitMs + 20_000;
  w.pool = { size: 2, busy: 2, waiting: 40 };
  w.workers = { count: 2, cpu: 0.7, cpuWait: 0.05, eventLoopUtilisation: 0.75, eventLoopDelayP99Ms: 25 };
  const v = run(w);
  assertTop(v, 'db.pool', ['db.network', 'dependency', 'db.lock', 'db.query']);
  assert.match(
    v.suspects[0]?.summary ?? '',
    /waiting for a database connection; pool 2\/2 busy, 40 waiting, while statements stay fast/,
  );
  assert.match(v.suspects[0]?.suggestion ?? '', /raise database\.poolMax \(now 3 per worker\)/);
});

test('a window without traffic says so and names nobody', () => {
  const w = calm();
  w.requests = 0;
  const v = run(w);
  assert.deepEqual(v, {
    at: '2026-01-01T00:00:00.000Z',
    suspects: [],
    healthy: ['traffic: no request in the window; nothing to diagnose'],
  });
});

test('a SELECT 1 slowed by a busy server is not blamed on the network: the slow statement stays on top', () => {
  const w = calm();
  w.queries[0] = q('author', BY_AUTHOR, 300, 12);
  w.queries[1] = q('user', USER, 1500, 1.2);
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.poolWaitMs = 8000;
  w.requestMs = w.queryMs + w.poolWaitMs + 2000;
  w.dbRoundTripMs = 8.1; // the probe waited for a CPU like everyone else
  w.dbActive = 3.7;
  const v = run(w);
  assertTop(v, 'db.query', ['db.lock', 'worker.cpu']);
  assert.ok(!v.suspects.some((s) => s.component === 'db.network'), JSON.stringify(v.suspects));
  assert.ok(
    v.healthy.includes(
      'db.network: SELECT 1 round trip 8.10 ms (baseline 0.30 ms), but 3.7 sessions are executing: the server is slow to answer, not the network',
    ),
    JSON.stringify(v.healthy),
  );
});

test("(d) on oversubscribed cores a spinning worker gets little CPU but waits for it: still the workers' CPU", () => {
  const w = calm();
  w.workers = { count: 2, cpu: 0.08, cpuWait: 0.85, eventLoopUtilisation: 0.98, eventLoopDelayP99Ms: 270 };
  w.queries = w.queries.map((x) => q(x.id, x.text, x.calls, x.meanMs + 100));
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.requestMs = w.queryMs + 3000;
  const v = run(w);
  assertTop(v, 'worker.cpu', ['db.network', 'db.lock']);
  assert.match(
    v.suspects[0]?.summary ?? '',
    /93% of a core wanted, 8% obtained \(the cores are oversubscribed\)/,
  );
});

test('a loop that is busy without wanting CPU is a blocked event loop, not CPU', () => {
  const w = calm();
  w.workers = { count: 2, cpu: 0.1, cpuWait: 0.01, eventLoopUtilisation: 0.97, eventLoopDelayP99Ms: 300 };
  w.requestMs = 60_000;
  const v = run(w);
  assert.equal(v.suspects[0]?.component, 'worker.event-loop', JSON.stringify(v.suspects));
});

test('a SELECT 1 that slowed more than the statements did is a crowded host, not the network', () => {
  const w = calm();
  w.queries = w.queries.map((x) => q(x.id, x.text, x.calls, x.meanMs * 2.5));
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.poolWaitMs = 2000;
  w.requestMs = w.queryMs + w.poolWaitMs + 2000;
  w.dbRoundTripMs = 15.3;
  w.dbActive = 1;
  const v = run(w);
  assert.ok(!v.suspects.some((s) => s.component === 'db.network'), JSON.stringify(v.suspects));
  assert.ok(
    v.healthy.some((h) => /^db\.network: .*the probe waited for a CPU, not the network$/.test(h)),
    JSON.stringify(v.healthy),
  );
});

test('(d) saturated workers are named even when a crowded host taught the baseline a long loop delay', () => {
  const base = calm();
  base.workers = { count: 2, cpu: 0.07, cpuWait: 0.19, eventLoopUtilisation: 0.15, eventLoopDelayP99Ms: 168 };
  const w = calm();
  w.workers = { count: 2, cpu: 0.31, cpuWait: 0.66, eventLoopUtilisation: 0.975, eventLoopDelayP99Ms: 309 };
  w.queries = w.queries.map((x) => q(x.id, x.text, Math.round(x.calls / 8), x.meanMs + 45));
  w.queryCalls = w.queries.reduce((s, x) => s + x.calls, 0);
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.requests = 240;
  w.requestMs = w.queryMs * 1.4;
  w.poolWaitMs = w.queryMs * 0.38;
  const v = run(w, base);
  assertTop(v, 'worker.cpu', ['db.network', 'db.lock']);
  assert.ok(!v.suspects.some((s) => s.component === 'db.server'), JSON.stringify(v.suspects));
});

test("(d) saturated workers are named when the baseline loop delay was even longer than today's", () => {
  const base = calm();
  base.workers = { count: 2, cpu: 0.07, cpuWait: 0.28, eventLoopUtilisation: 0.19, eventLoopDelayP99Ms: 308 };
  const w = calm();
  w.workers = { count: 2, cpu: 0.36, cpuWait: 0.63, eventLoopUtilisation: 0.97, eventLoopDelayP99Ms: 225 };
  w.queries = w.queries.map((x) => q(x.id, x.text, Math.round(x.calls / 8), x.meanMs + 36));
  w.queryCalls = w.queries.reduce((s, x) => s + x.calls, 0);
  w.queryMs = w.queries.reduce((s, x) => s + x.totalMs, 0);
  w.requests = 231;
  w.poolWaitMs = w.queryMs * 0.7;
  w.requestMs = w.queryMs + w.poolWaitMs + 600;
  const v = run(w, base);
  assertTop(v, 'worker.cpu', ['db.network', 'db.lock']);
  assert.ok(!v.suspects.some((s) => s.component === 'db.server'), JSON.stringify(v.suspects));
});
