import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { Agent, request } from 'undici';
import { demoUser } from '../../src/data/index.js';
import type { IncidentDetail } from '../../src/incident/index.js';
import type { Suspect } from '../../src/telemetry/index.js';
import { type SpawnedStack, spawnStack } from '../support/spawn-stack.js';

/**
 * The end-to-end run: the seed fault (the index serving list-by-author dropped) under real
 * load on the real stack → an alert fires → an incident opens by itself → its timeline holds the
 * alert and a diagnosis naming the query and the pool → the index is restored → the incident
 * resolves by itself → the postmortem names the query and the pool, and its duration and share of
 * users affected agree with the load generator's own counts within 10%.
 */

/** The latency objective's threshold (the default of slo.latencyThresholdMs). */
const THRESHOLD_MS = 300;
const USERS = 40;
const FAULT_MS = 60_000;
/** A second with at least this share of bad requests is impaired (incident.impairedShare's default). */
const IMPAIRED = 0.2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: SpawnedStack;
let token = '';

interface Sample {
  user: number;
  endMs: number;
  status: number;
  latencyMs: number;
}

before(async () => {
  stack = await spawnStack([
    '--log.level',
    'warn',
    '--seed.users',
    '2000',
    '--seed.articles',
    '100000',
    '--seed.favorites',
    '2000',
    '--seed.comments',
    '2000',
    '--slo.evaluateIntervalMs',
    '1000',
    // Compress the burn-rate windows: the 1 h / 5 min page pair becomes 30 s / 2.5 s.
    '--slo.timeScale',
    '120',
    // Two cores shared with other work shed about 1% even when calm: a 99.9% objective would page on
    // the machine, not on the fault. 99% keeps calm traffic near a 1× burn and the fault far above.
    '--slo.availabilityTarget',
    '0.99',
    // A cold stack's first answers are few: one error in a hundred must not page.
    '--slo.minRequests',
    '1000',
    // The compressed 2.5 s saturation window is noisy on a shared machine: bound it where only the
    // fault's queue reaches (the guard caps a wait at the 1 s request budget).
    '--slo.poolWaitP95Ms',
    '500',
    '--incident.autoResolveMinutes',
    '0.25',
  ]);
  const end = Date.now() + 180_000;
  while (Date.now() < end) {
    const ok = await fetch(`${stack.baseUrl}/api/tags`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    if (stack.child.exitCode !== null) throw new Error(stack.stderr());
    await sleep(500);
  }
  token = readFileSync(join(stack.dataDir, 'ops-token'), 'utf8').trim();
});

after(async () => {
  stack?.child.kill('SIGTERM');
  await stack?.exited;
});

async function admin(sql: string): Promise<pg.QueryResult> {
  const c = new pg.Client(stack.databaseUrl);
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

async function ops(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(`${stack.opsUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = {};
  }
  return { status: res.status, json, text };
}

/**
 * The load generator: USERS signed-in users, half reading author pages (the route the fault hurts),
 * half the front page and tags (served from the cache). Each records every answer it got, so the
 * impact can be counted from the client's side.
 */
function startLoad(tokens: string[], authors: string[], maxMs: number) {
  const agent = new Agent({ connections: tokens.length, keepAliveTimeout: 10_000 });
  const samples: Sample[] = [];
  let running = true;
  const deadline = Date.now() + maxMs;
  const user = async (n: number) => {
    // Users arrive over ten seconds, not all in the first millisecond of a cold stack.
    await sleep(n * 250);
    const authorReader = n % 2 === 0;
    while (running && Date.now() < deadline) {
      const path = authorReader
        ? // The second page: first pages are served from the query cache, deeper ones by the database.
          `/api/articles?author=${authors[Math.floor(Math.random() * authors.length)]}&limit=5&offset=5`
        : Math.random() < 0.5
          ? '/api/tags'
          : '/api/articles?limit=10';
      const t0 = Date.now();
      let status = 0;
      try {
        const res = await request(`${stack.baseUrl}${path}`, {
          dispatcher: agent,
          headers: { authorization: `Token ${tokens[n]}` },
          headersTimeout: 15_000,
          bodyTimeout: 15_000,
        });
        await res.body.dump();
        status = res.statusCode;
      } catch {
        status = 0;
      }
      const t1 = Date.now();
      samples.push({ user: n, endMs: t1, status, latencyMs: t1 - t0 });
      // Author readers come back three times as often: the fault must hold connections long enough
      // to queue on the pool on a quiet machine too, not only on a busy one.
      await sleep(Math.max(0, (authorReader ? 200 : 600) - (t1 - t0)));
    }
  };
  const done = Promise.all(tokens.map((_, n) => user(n)));
  return {
    samples,
    async stop() {
      if (!running) return;
      running = false;
      await done;
      await agent.close();
    },
  };
}

const bad = (s: Sample) =>
  s.status === 0 || s.status === 429 || s.status >= 500 || s.latencyMs > THRESHOLD_MS;

test('the seed fault under load opens an incident by itself and ends in a postmortem that names the query and the pool', async (t) => {
  const tokens: string[] = [];
  for (let i = 1; i <= USERS; i++) {
    const res = await fetch(`${stack.baseUrl}/api/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email: demoUser(i).email, password: 'conduit-demo' } }),
    });
    tokens.push(((await res.json()) as { user: { token: string } }).user.token);
  }
  const authors =
    // Authors of a few articles: without the index, finding their newest ones reads most of the table.
    (
      await admin('SELECT username FROM users WHERE articles_count BETWEEN 1 AND 3 ORDER BY id LIMIT 50')
    ).rows.map((r) => r.username as string);
  assert.ok(authors.length > 10);

  const load = startLoad(tokens, authors, 300_000);
  try {
    // Calm traffic first: the monitor learns what normal is.
    await sleep(30_000);
    const calm: Record<number, number> = {};
    for (const x of load.samples) calm[x.status] = (calm[x.status] ?? 0) + 1;
    t.diagnostic(
      `calm traffic: ${JSON.stringify(calm)}, ${load.samples.filter((x) => x.latencyMs > THRESHOLD_MS).length} slow`,
    );
    assert.deepEqual(
      (await ops('GET', '/ops/incidents?status=open')).json.incidents,
      [],
      'calm traffic opens no incident',
    );

    const faultAt = Date.now();
    await admin('DROP INDEX articles_author_created_idx');
    const injected = await ops('POST', '/ops/incidents/events', {
      at: new Date(faultAt).toISOString(),
      source: 'chaos',
      kind: 'chaos.fault-injected',
      summary: 'dropped index articles_author_created_idx (serves list-by-author)',
    });
    assert.equal(injected.status, 202, injected.text);

    let incidentId: number | undefined;
    while (Date.now() - faultAt < FAULT_MS) {
      const open = (await ops('GET', '/ops/incidents?status=open')).json.incidents as { id: number }[];
      incidentId ??= open[0]?.id;
      await sleep(1_000);
    }
    assert.ok(incidentId, `no incident opened within ${FAULT_MS} ms of the fault`);
    const opened = (await ops('GET', `/ops/incidents/${incidentId}`)).json as unknown as IncidentDetail;
    const openedAfterMs = Date.parse(opened.incident.detectedAt) - faultAt;
    t.diagnostic(`incident ${incidentId} opened ${openedAfterMs} ms after the fault`);

    const restoredAt = Date.now();
    await admin('CREATE INDEX articles_author_created_idx ON articles (author_id, created_at DESC, id DESC)');
    await ops('POST', '/ops/incidents/events', {
      source: 'chaos',
      kind: 'chaos.fault-removed',
      summary: 'restored index articles_author_created_idx',
    });

    // It resolves by itself: alerts resolve → monitoring → 15 s quiet → resolved.
    let detail: IncidentDetail | undefined;
    const until = Date.now() + 120_000;
    while (Date.now() < until) {
      detail = (await ops('GET', `/ops/incidents/${incidentId}`)).json as unknown as IncidentDetail;
      if (detail.incident.status === 'resolved') break;
      await sleep(1_000);
    }
    assert.ok(detail);
    assert.equal(detail.incident.status, 'resolved', JSON.stringify(detail.timeline.map((e) => e.summary)));
    await load.stop();

    for (const e of detail.timeline)
      t.diagnostic(`${e.at.slice(11, 19)} ${e.source} ${e.summary.slice(0, 200)}`);
    const incident = detail.incident;
    assert.equal(incident.openedBy, 'alert');
    const kinds = detail.timeline.map((e: { kind: string }) => e.kind);
    assert.ok(kinds.includes('alert.firing'), kinds.join(', '));
    assert.ok(kinds.includes('chaos.fault-injected'), 'the fault before the alert joined the timeline');
    // The list-by-author statement (src/service/article-page-sql.ts, BY_AUTHOR) as the diagnosis
    // prints it: lower-cased and shortened.
    const byAuthor = /select u\.articles_count as total/;
    const named = detail.timeline
      .filter((e) => e.source === 'diagnosis')
      .flatMap((e) => (e.data as { suspects?: Suspect[] } | null)?.suspects ?? []);
    assert.ok(
      named.some((x) => x.component === 'db.query' && byAuthor.test(x.summary)),
      `a diagnosis names the list-by-author query: ${JSON.stringify(named.map((x) => x.summary)).slice(0, 1500)}`,
    );
    assert.equal(incident.startedAt, new Date(faultAt).toISOString(), 'the onset is the fault');
    assert.equal(incident.ownerTeam, 'database', 'a database suspect pages the database team');

    const pm = (await ops('GET', `/ops/incidents/${incidentId}/postmortem`)).text;
    if (process.env.BULWARK_E2E_POSTMORTEM_OUT) writeFileSync(process.env.BULWARK_E2E_POSTMORTEM_OUT, pm);
    const rootCause = pm.split('## Root Cause and Resolution')[1]?.split('Also suspected')[0] ?? '';
    assert.match(rootCause, /\*\*db\.query\*\*/, 'the postmortem gives the query as the root cause');
    assert.match(rootCause, byAuthor, 'the postmortem names the query');
    assert.match(rootCause, /pool \d+\/\d+ busy, \d+ waiting/, 'the postmortem names the pool');

    // The load generator's own counts: impaired seconds by its own measure, users over its own window.
    const bins = new Map<number, { n: number; bad: number }>();
    for (const x of load.samples) {
      const b = bins.get(Math.floor(x.endMs / 1000)) ?? { n: 0, bad: 0 };
      b.n++;
      if (bad(x)) b.bad++;
      bins.set(Math.floor(x.endMs / 1000), b);
    }
    const impaired = [...bins]
      .filter(
        ([sec, b]) =>
          sec * 1000 >= faultAt - 1000 && sec * 1000 <= restoredAt + 30_000 && b.bad / b.n >= IMPAIRED,
      )
      .map(([sec]) => sec);
    const clientEnd = (Math.max(...impaired) + 1) * 1000;
    const clientDurationMs = clientEnd - faultAt;
    const inWindow = load.samples.filter((x) => x.endMs >= faultAt && x.endMs < clientEnd);
    const active = new Set(inWindow.map((x) => x.user));
    const affected = new Set(inWindow.filter(bad).map((x) => x.user));
    const clientShare = affected.size / active.size;
    const impact = incident.impact;
    assert.ok(impact, 'the incident measured its impact');
    t.diagnostic(
      `server: ${impact.affectedUsers}/${impact.activeUsers} users (${(impact.affectedShare * 100).toFixed(1)}%), ${impact.durationMs} ms; client: ${affected.size}/${active.size} (${(clientShare * 100).toFixed(1)}%), ${clientDurationMs} ms; fault ${restoredAt - faultAt} ms`,
    );
    assert.ok(
      Math.abs(impact.affectedShare - clientShare) <= 0.1 * clientShare,
      'share of users affected within 10%',
    );
    assert.ok(
      Math.abs(impact.durationMs - clientDurationMs) <= 0.1 * clientDurationMs,
      'duration within 10%',
    );
    assert.match(
      pm,
      new RegExp(`\\*\\*Impact:\\*\\* ${impact.affectedUsers} of ${impact.activeUsers} active users`),
    );
  } finally {
    await load.stop();
  }
});
