import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { DEFAULT_DEMO_PASSWORD } from '../../src/data/index.js';
import { seedInto, startScratchDatabase } from '../support/seeded.js';
import { startTestApp, type TestApp, type TestDatabase, testConfig } from '../support/stack.js';

/**
 * Every statement the API sends while serving the pages of a realistic session, EXPLAINed on the
 * demo dataset at its default sizes: none may read a large table from end to end. The SQL is not
 * copied here; it is recorded from the running API, so a new or changed query is checked as it is.
 */

// A table this large read whole on every request is the seed incident's shape.
const MAX_SEQ_SCAN_ROWS = 10_000;
// The sessions below exercise at least this many distinct statements; fewer means the API was not
// really driven (or the recording broke) and the check would pass on nothing.
const MIN_SHAPES = 12;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

interface Finding {
  relation: string;
  rows: number;
}

/** The Seq Scan nodes of a plan over relations with more than MAX_SEQ_SCAN_ROWS rows. */
function bigSeqScans(node: PlanNode, reltuples: ReadonlyMap<string, number>, out: Finding[] = []): Finding[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) {
    const rows = reltuples.get(node['Relation Name']) ?? 0;
    if (rows > MAX_SEQ_SCAN_ROWS) out.push({ relation: node['Relation Name'], rows });
  }
  for (const child of node.Plans ?? []) bigSeqScans(child, reltuples, out);
  return out;
}

let database: TestDatabase;
let app: TestApp;
let explainer: pg.Client;
let reltuples: Map<string, number>;

async function explain(text: string, values: readonly unknown[] | undefined): Promise<PlanNode> {
  // Plain EXPLAIN runs nothing, but a write is still explained inside a transaction rolled back.
  await explainer.query('BEGIN');
  try {
    const { rows } = await explainer.query(`EXPLAIN (FORMAT JSON) ${text}`, values ? [...values] : []);
    return (rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]?.Plan as PlanNode;
  } finally {
    await explainer.query('ROLLBACK');
  }
}

before(async () => {
  database = await startScratchDatabase();
  const sizes = testConfig().seed;
  const { totalMs, steps } = await seedInto(database.url, sizes);
  console.log(
    `seeded the default demo dataset in ${totalMs} ms: ${steps.map((s) => `${s.step} ${s.ms} ms`).join(', ')}`,
  );
  explainer = new pg.Client(database.url);
  await explainer.connect();
  const { rows } = await explainer.query<{ relname: string; reltuples: number }>(
    "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
  );
  reltuples = new Map(rows.map((r) => [r.relname, Number(r.reltuples)]));
  app = await startTestApp(database.url);
});

after(async () => {
  await app?.close();
  await explainer?.end();
  await database?.stop();
});

test('the detector flags a sequential scan of a large table (self-check)', async () => {
  const plan = await explain('SELECT * FROM comments WHERE body = $1', ['no such comment']);
  assert.deepEqual(
    bigSeqScans(plan, reltuples).map((f) => f.relation),
    ['comments'],
  );
  const indexed = await explain('SELECT * FROM comments WHERE article_id = $1 ORDER BY id', [1]);
  assert.deepEqual(bigSeqScans(indexed, reltuples), []);
});

test('no statement the API sends for the main pages scans a table of more than 10k rows', async () => {
  const one = async <T>(sql: string): Promise<T> => (await explainer.query(sql)).rows[0] as T;
  // The extremes of the skewed data: where a missing index hurts most.
  const popularTag = await one<{ name: string }>(
    'SELECT name FROM tags ORDER BY article_count DESC, name LIMIT 1',
  );
  const rareTag = await one<{ name: string }>(
    'SELECT name FROM tags WHERE article_count > 0 ORDER BY article_count, name LIMIT 1',
  );
  const author = await one<{ username: string }>(
    'SELECT username FROM users ORDER BY articles_count DESC, id LIMIT 1',
  );
  const favoriter = await one<{ username: string }>(
    'SELECT username FROM users ORDER BY favorites_count DESC, id LIMIT 1',
  );
  const follower = await one<{ email: string; username: string }>(
    `SELECT u.email, u.username FROM users u
       JOIN (SELECT follower_id, count(*) AS n FROM follows GROUP BY follower_id ORDER BY n DESC, follower_id LIMIT 1) f
         ON f.follower_id = u.id`,
  );
  const stranger = await one<{ username: string }>(
    `SELECT username FROM users u
      WHERE u.email <> '${follower.email}'
        AND NOT EXISTS (SELECT 1 FROM follows f JOIN users me ON me.id = f.follower_id
                         WHERE me.email = '${follower.email}' AND f.followee_id = u.id)
      ORDER BY id LIMIT 1`,
  );
  const article = await one<{ slug: string }>(
    'SELECT a.slug FROM articles a JOIN (SELECT article_id, count(*) AS n FROM comments GROUP BY article_id ORDER BY n DESC, article_id LIMIT 1) c ON c.article_id = a.id',
  );

  const call = async (method: string, path: string, token?: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${app.baseUrl}/api${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Token ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : null;
  };

  const login = (await call('POST', '/users/login', undefined, {
    user: { email: follower.email, password: DEFAULT_DEMO_PASSWORD },
  })) as { user: { token: string } };
  const token = login.user.token;
  const enc = encodeURIComponent;

  for (const viewer of [undefined, token]) {
    await call('GET', '/articles', viewer);
    await call('GET', '/articles?limit=20&offset=5000', viewer);
    await call('GET', `/articles?tag=${enc(popularTag.name)}`, viewer);
    await call('GET', `/articles?tag=${enc(popularTag.name)}&offset=2000`, viewer);
    await call('GET', `/articles?tag=${enc(rareTag.name)}`, viewer);
    await call('GET', `/articles?author=${enc(author.username)}`, viewer);
    await call('GET', `/articles?favorited=${enc(favoriter.username)}`, viewer);
    await call('GET', `/articles/${enc(article.slug)}`, viewer);
    await call('GET', `/articles/${enc(article.slug)}/comments`, viewer);
    await call('GET', `/profiles/${enc(author.username)}`, viewer);
    await call('GET', '/tags', viewer);
  }
  await call('GET', '/user', token);
  await call('GET', '/articles/feed', token);
  await call('GET', '/articles/feed?offset=500', token);
  // The writes a session makes, so their lookups are checked too (explained, rolled back).
  await call('POST', `/articles/${enc(article.slug)}/favorite`, token);
  await call('DELETE', `/articles/${enc(article.slug)}/favorite`, token);
  await call('POST', `/profiles/${enc(stranger.username)}/follow`, token);
  await call('DELETE', `/profiles/${enc(stranger.username)}/follow`, token);
  const comment = (await call('POST', `/articles/${enc(article.slug)}/comments`, token, {
    comment: { body: 'explain-test comment' },
  })) as { comment: { id: number } };
  await call('DELETE', `/articles/${enc(article.slug)}/comments/${comment.comment.id}`, token);

  const statements = new Map<string, { text: string; values: readonly unknown[] | undefined }>();
  for (const q of app.queries) {
    if (/^\s*(BEGIN|COMMIT|ROLLBACK|SET|SAVEPOINT|RELEASE)\b/i.test(q.text)) continue;
    statements.set(`${q.text}\u0000${JSON.stringify(q.values ?? [])}`, q);
  }
  const shapes = new Set([...statements.values()].map((s) => s.text));
  const offenders: string[] = [];
  for (const { text, values } of statements.values()) {
    const plan = await explain(text, values);
    for (const f of bigSeqScans(plan, reltuples)) {
      offenders.push(
        `Seq Scan on ${f.relation} (${f.rows} rows)\n  statement: ${text.replace(/\s+/g, ' ')}\n  values: ${JSON.stringify(values)}\n  plan: ${JSON.stringify(plan)}`,
      );
    }
  }
  console.log(`explained ${statements.size} statements of ${shapes.size} distinct shapes:`);
  for (const shape of shapes) console.log(`  ${shape.replace(/\s+/g, ' ').slice(0, 140)}`);
  assert.ok(
    shapes.size >= MIN_SHAPES,
    `only ${shapes.size} distinct statements were recorded (want >= ${MIN_SHAPES})`,
  );
  assert.deepEqual(offenders, [], `sequential scans of large tables:\n${offenders.join('\n\n')}`);
});
