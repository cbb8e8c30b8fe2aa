/**
 * Cached vs uncached reads of an article-by-slug query on a real embedded PostgreSQL with 100k
 * articles: no cache, the in-process cache (alone, and with the versions the workers share) and the
 * Redis cache, interleaved in one run, medians of `--runs` windows. The must-hold (issue 3): cached
 * throughput ≥ 10× uncached.
 *
 *   node --import tsx bench/cache.ts [--runs 3] [--seconds 3] [--concurrency 32] [--redis URL]
 */
import { parseArgs } from 'node:util';
import { createQueryCache, createSharedVersionsFile, type QueryCache } from '../src/data/cache/index.js';
import { createDb, type Db } from '../src/data/index.js';
import { startTestDatabase } from '../test/support/stack.js';
import { describeMachine, machineLine } from './machine.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    articles: { type: 'string', default: '100000' },
    'hot-keys': { type: 'string', default: '1000' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const RUNS = Number(args.runs);
const WINDOW_MS = Number(args.seconds) * 1_000;
const CONCURRENCY = Number(args.concurrency);
const ARTICLES = Number(args.articles);
const HOT_KEYS = Number(args['hot-keys']);

// The shape of the service's article read: the article, its author, its tags.
const ARTICLE_BY_SLUG = `
SELECT a.slug, a.title, a.description, a.body, a.tags, a.favorites_count, a.created_at, a.updated_at,
       u.username, u.bio, u.image
  FROM bench_articles a JOIN bench_users u ON u.id = a.author_id
 WHERE a.slug = $1`;
const TABLES = ['bench_articles', 'bench_users'];

async function seed(db: Db): Promise<void> {
  await db.query(
    `CREATE TABLE bench_users (id int PRIMARY KEY, username text NOT NULL, bio text, image text)`,
  );
  await db.query(`CREATE TABLE bench_articles (
    id int PRIMARY KEY, slug text NOT NULL UNIQUE, title text NOT NULL, description text NOT NULL,
    body text NOT NULL, tags text[] NOT NULL, author_id int NOT NULL REFERENCES bench_users (id),
    favorites_count int NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now())`);
  await db.query(`INSERT INTO bench_users
    SELECT i, 'user' || i, 'bio of user ' || i, 'https://img.example/' || i FROM generate_series(1, 10000) i`);
  await db.query(
    `INSERT INTO bench_articles (id, slug, title, description, body, tags, author_id, favorites_count)
     SELECT i, 'article-' || i, 'Title ' || i, 'About ' || md5(i::text), repeat(md5(i::text), 16),
            ARRAY['tag' || (i % 50), 'tag' || (i % 7)], 1 + i % 10000, i % 97
       FROM generate_series(1, $1::int) i`,
    [ARTICLES],
  );
  await db.query('ANALYZE bench_users');
  await db.query('ANALYZE bench_articles');
}

type Read = (slug: string) => Promise<unknown>;

/** Closed loop: CONCURRENCY callers, each reading a random hot slug as soon as the last returned. */
async function measure(read: Read, windowMs: number): Promise<number> {
  let done = 0;
  const end = performance.now() + windowMs;
  const loop = async () => {
    while (performance.now() < end) {
      await read(`article-${1 + Math.floor(Math.random() * HOT_KEYS) * Math.floor(ARTICLES / HOT_KEYS)}`);
      done++;
      // A hit in the in-process cache resolves without I/O; yield so the loops and timers interleave.
      if (done % 64 === 0) await new Promise((r) => setImmediate(r));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return done / ((performance.now() - started) / 1_000);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function main(): Promise<void> {
  const machine = await describeMachine();
  console.log(`machine: ${machineLine(machine)}`);
  console.log(
    `query: article by slug (join author), ${ARTICLES} articles, ${HOT_KEYS} hot slugs, ` +
      `concurrency ${CONCURRENCY}, ${RUNS} runs × ${WINDOW_MS / 1000} s, pool 8`,
  );
  // A fresh embedded PostgreSQL in a temporary directory, removed at the end.
  const server = await startTestDatabase();
  const db = createDb({ url: server.url, max: 8, statementTimeoutMs: 10_000 });
  const caches: QueryCache[] = [];
  const versionsFile = createSharedVersionsFile();
  try {
    const seeded = performance.now();
    await seed(db);
    console.log(`seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    const load = (slug: string) => async () => (await db.query(ARTICLE_BY_SLUG, [slug])).rows[0] ?? null;
    const modes: { name: string; read: Read }[] = [{ name: 'uncached', read: (slug) => load(slug)() }];
    const memory = createQueryCache();
    caches.push(memory);
    modes.push({
      name: 'in-process cache',
      read: (slug) => memory.read(`article:${slug}`, { tables: TABLES, ttlMs: 600_000 }, load(slug)),
    });
    // What `bulwark start` runs by default: the in-process cache with table versions shared by the
    // machine's workers (one pread per event-loop turn, shared by its lookups).
    const shared = createQueryCache({ sharedVersionsPath: versionsFile.path });
    caches.push(shared);
    modes.push({
      name: 'in-process, shared',
      read: (slug) => shared.read(`article:${slug}`, { tables: TABLES, ttlMs: 600_000 }, load(slug)),
    });
    const prefix = `bulwark:bench:${process.pid}:`;
    const redis = createQueryCache({ redisUrl: args.redis, redisPrefix: prefix });
    caches.push(redis);
    if (await redis.ready(2_000)) {
      modes.push({
        name: 'redis cache',
        read: (slug) => redis.read(`article:${slug}`, { tables: TABLES, ttlMs: 600_000 }, load(slug)),
      });
    } else {
      console.log(`redis cache: skipped, no Redis at ${args.redis}`);
    }

    // Warm-up: fills both caches with the hot set and warms PostgreSQL's buffers and the JIT.
    for (const mode of modes) await measure(mode.read, 1_000);
    const results = new Map<string, number[]>(modes.map((m) => [m.name, []]));
    for (let run = 0; run < RUNS; run++) {
      for (const mode of modes) results.get(mode.name)?.push(await measure(mode.read, WINDOW_MS));
    }

    const base = median(results.get('uncached') ?? []);
    console.log('');
    console.log('mode               median reads/s   runs                          ratio vs uncached');
    for (const mode of modes) {
      const runs = results.get(mode.name) ?? [];
      const m = median(runs);
      const ratio = m / base;
      const verdict = mode.name === 'uncached' ? '' : ratio >= 10 ? '  (≥ 10×: holds)' : '  (< 10×: FAILS)';
      console.log(
        `${mode.name.padEnd(18)} ${Math.round(m).toString().padStart(14)}   ${runs
          .map((r) => Math.round(r))
          .join(', ')
          .padEnd(29)} ${ratio.toFixed(1)}×${verdict}`,
      );
    }
    for (const cache of caches) {
      const s = cache.stats();
      if (s.hits + s.misses > 0) console.log(`${s.backend} stats: ${JSON.stringify(s)}`);
    }
  } finally {
    for (const cache of caches) await cache.close();
    versionsFile.remove();
    await db.close();
    await server.stop();
  }
}

await main();
