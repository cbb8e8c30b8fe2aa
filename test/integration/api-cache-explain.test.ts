import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { DEFAULT_DEMO_PASSWORD } from '../../src/data/index.js';
import { seedInto, startScratchDatabase } from '../support/seeded.js';
import { startTestApp, type TestApp, type TestDatabase, testConfig } from '../support/stack.js';

/**
 * explain.test.ts checks the statements of the uncached API; this checks those that only the cached
 * path sends (the shared parts and the viewer's flags), on the demo dataset, every read a miss.
 */

const MAX_SEQ_SCAN_ROWS = 10_000;
const ALL_TABLES = ['articles', 'article_tags', 'comments', 'counters', 'favorites', 'tags', 'users'];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function bigSeqScans(node: PlanNode, reltuples: ReadonlyMap<string, number>, out: string[] = []): string[] {
  const relation = node['Relation Name'];
  if (node['Node Type'] === 'Seq Scan' && relation && (reltuples.get(relation) ?? 0) > MAX_SEQ_SCAN_ROWS) {
    out.push(relation);
  }
  for (const child of node.Plans ?? []) bigSeqScans(child, reltuples, out);
  return out;
}

let database: TestDatabase;
let app: TestApp;
let explainer: pg.Client;

before(async () => {
  database = await startScratchDatabase();
  await seedInto(database.url, testConfig().seed);
  explainer = new pg.Client(database.url);
  await explainer.connect();
  app = await startTestApp(database.url, {}, { cache: true });
});

after(async () => {
  await app?.close();
  await explainer?.end();
  await database?.stop();
});

test('no statement of the cached reads scans a table of more than 10k rows', async () => {
  const one = async <T>(sql: string): Promise<T> => (await explainer.query(sql)).rows[0] as T;
  const { rows } = await explainer.query<{ relname: string; reltuples: number }>(
    "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
  );
  const reltuples = new Map(rows.map((r) => [r.relname, Number(r.reltuples)]));
  const popularTag = await one<{ name: string }>(
    'SELECT name FROM tags ORDER BY article_count DESC, name LIMIT 1',
  );
  const author = await one<{ username: string }>(
    'SELECT username FROM users ORDER BY articles_count DESC, id LIMIT 1',
  );
  const favoriter = await one<{ email: string; username: string }>(
    'SELECT email, username FROM users ORDER BY favorites_count DESC, id LIMIT 1',
  );
  const article = await one<{ slug: string }>(
    'SELECT a.slug FROM articles a JOIN (SELECT article_id, count(*) AS n FROM comments GROUP BY article_id ORDER BY n DESC, article_id LIMIT 1) c ON c.article_id = a.id',
  );

  const get = async (path: string, token?: string) => {
    await app.cache?.invalidate(ALL_TABLES);
    const res = await fetch(`${app.baseUrl}/api${path}`, {
      headers: token ? { authorization: `Token ${token}` } : {},
    });
    const text = await res.text();
    assert.equal(res.status, 200, `${path}: ${text}`);
    return JSON.parse(text);
  };
  const login = await fetch(`${app.baseUrl}/api/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: { email: favoriter.email, password: DEFAULT_DEMO_PASSWORD } }),
  });
  const token = ((await login.json()) as { user: { token: string } }).user.token;
  const enc = encodeURIComponent;

  app.queries.length = 0;
  for (const viewer of [undefined, token]) {
    await get('/articles', viewer);
    await get(`/articles?tag=${enc(popularTag.name)}`, viewer);
    await get(`/articles?author=${enc(author.username)}`, viewer);
    await get(`/articles?favorited=${enc(favoriter.username)}`, viewer);
    await get(`/articles/${enc(article.slug)}`, viewer);
    await get(`/articles/${enc(article.slug)}/comments`, viewer);
    await get(`/profiles/${enc(author.username)}`, viewer);
    await get('/tags', viewer);
  }

  const offenders: string[] = [];
  const shapes = new Set<string>();
  for (const { text, values } of app.queries) {
    shapes.add(text);
    const { rows: plan } = await explainer.query(`EXPLAIN (FORMAT JSON) ${text}`, values ? [...values] : []);
    const root = (plan[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]?.Plan as PlanNode;
    for (const relation of bigSeqScans(root, reltuples)) {
      offenders.push(`Seq Scan on ${relation}: ${text.replace(/\s+/g, ' ')} ${JSON.stringify(values)}`);
    }
  }
  // Shared article by slug and by ids, profile, comments, tags, four page shapes and the flags.
  assert.ok(shapes.size >= 10, `only ${shapes.size} distinct statements were recorded`);
  assert.ok(
    [...shapes].some((s) => s.includes('FROM favorites WHERE user_id = $1 AND article_id = ANY')),
    'the viewer flags statement was not sent',
  );
  assert.deepEqual(offenders, []);
});
