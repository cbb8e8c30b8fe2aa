// The guard benchmark's workloads, run by the load driver (`workload()` in workloads.ts dispatches
// here). Each is a fixed cycle of requests drawn with a seeded PRNG from the fixtures the orchestrator
// gathered (slugs, usernames, tags, signed-in users' tokens), so every side of a comparison sees the
// same sequence. Requests carry a tag, which the driver uses to split latency by group:
//
// - mixed: what a busy Conduit sees. 30% heavy (list pages at small offsets, by tag, by author, the
//   feed), 55% reads (an article, its comments, a profile, the tags) and 15% writes by signed-in
//   users (POST a comment, favorite, unfavorite).
// - critical: the class the bulkheads protect, made to reach the database: an article by slug
//   from a slice of the cold slugs no earlier phase read (so not in any cache), and a comment posted
//   by a signed-in user, 3:1.
// - heavy: listings and the feed at deep offsets (not cached), the class driven past its share.
import { readFileSync } from 'node:fs';
import { prng } from '../src/load/index.js';
import type { GuardFixtures, GuardJob, GuardWorkloadName } from './guard-protocol.js';
import type { OpenRequest, Send, Workload } from './workloads.js';

function pick<T>(rand: () => number, items: readonly T[]): T {
  if (items.length === 0) throw new Error('a guard workload needs non-empty fixtures');
  return items[Math.floor(rand() * items.length)] as T;
}

const enc = encodeURIComponent;

type Maker = (rand: () => number, f: GuardFixtures, i: number) => OpenRequest;

const list = (offset: number): OpenRequest => ({
  path: `/api/articles?limit=10&offset=${offset}`,
  tag: 'heavy',
});

/** The mixed workload: [weight, maker]. Weights sum to 20. */
const MIXED: [number, Maker][] = [
  [3, (r) => list(Math.floor(r() * 20) * 10)],
  [1, (r, f) => ({ path: `/api/articles?tag=${enc(pick(r, f.tags))}&limit=10`, tag: 'heavy' })],
  [1, (r, f) => ({ path: `/api/articles?author=${enc(pick(r, f.usernames))}&limit=10`, tag: 'heavy' })],
  [
    1,
    (r, f) => ({
      path: '/api/articles/feed?limit=10',
      tag: 'heavy',
      user: Math.floor(r() * f.tokens.length),
    }),
  ],
  [5, (r, f) => ({ path: `/api/articles/${enc(pick(r, f.hotSlugs))}`, tag: 'read' })],
  [3, (r, f) => ({ path: `/api/articles/${enc(pick(r, f.hotSlugs))}/comments`, tag: 'read' })],
  [2, (r, f) => ({ path: `/api/profiles/${enc(pick(r, f.usernames))}`, tag: 'read' })],
  [1, () => ({ path: '/api/tags', tag: 'read' })],
  [
    1,
    (r, f, i) => ({
      path: `/api/articles/${enc(pick(r, f.hotSlugs))}/comments`,
      method: 'POST',
      body: { comment: { body: `guard bench comment ${i}` } },
      user: Math.floor(r() * f.tokens.length),
      tag: 'write',
    }),
  ],
  [
    1,
    (r, f) => ({
      path: `/api/articles/${enc(pick(r, f.hotSlugs))}/favorite`,
      method: 'POST',
      user: Math.floor(r() * f.tokens.length),
      tag: 'write',
    }),
  ],
  [
    1,
    (r, f) => ({
      path: `/api/articles/${enc(pick(r, f.hotSlugs))}/favorite`,
      method: 'DELETE',
      user: Math.floor(r() * f.tokens.length),
      tag: 'write',
    }),
  ],
];

function weighted(rand: () => number, makers: [number, Maker][]): Maker {
  const total = makers.reduce((a, [w]) => a + w, 0);
  let x = rand() * total;
  for (const [w, m] of makers) {
    x -= w;
    if (x < 0) return m;
  }
  return (makers[makers.length - 1] as [number, Maker])[1];
}

function mixedCycle(f: GuardFixtures, seed: number, length: number): OpenRequest[] {
  const rand = prng(seed);
  return Array.from({ length }, (_, i) => weighted(rand, MIXED)(rand, f, i));
}

/** Article reads over fresh cold slugs (from `coldFrom`) and, one in four, a comment posted. */
function criticalCycle(f: GuardFixtures, seed: number, length: number, coldFrom: number): OpenRequest[] {
  const rand = prng(seed);
  let next = coldFrom;
  const cold = () => f.coldSlugs[next++ % f.coldSlugs.length] as string;
  return Array.from({ length }, (_, i) =>
    i % 4 === 3
      ? {
          path: `/api/articles/${enc(cold())}/comments`,
          method: 'POST' as const,
          body: { comment: { body: `guard bench critical comment ${i}` } },
          user: Math.floor(rand() * f.tokens.length),
          tag: 'critical',
        }
      : { path: `/api/articles/${enc(cold())}`, tag: 'critical' },
  );
}

/** Listings at deep offsets, by tag and by author at deep offsets, and the feed: none of it cached. */
function heavyCycle(f: GuardFixtures, seed: number, length: number): OpenRequest[] {
  const rand = prng(seed);
  const offset = () => 200 + Math.floor(rand() * 480) * 10;
  return Array.from({ length }, (_, i): OpenRequest => {
    switch (i % 4) {
      case 0:
        return list(offset());
      case 1:
        return {
          path: `/api/articles?tag=${enc(pick(rand, f.tags))}&limit=10&offset=${offset() % 500}`,
          tag: 'heavy',
        };
      case 2:
        return {
          path: `/api/articles/feed?limit=10&offset=${offset() % 100}`,
          user: Math.floor(rand() * f.tokens.length),
          tag: 'heavy',
        };
      default:
        return list(offset());
    }
  });
}

function readFixtures(job: GuardJob | undefined): GuardFixtures {
  if (!job?.fixturesFile) throw new Error('the guard workloads need job.fixturesFile');
  return JSON.parse(readFileSync(job.fixturesFile, 'utf8')) as GuardFixtures;
}

export function guardWorkload(name: GuardWorkloadName, job: GuardJob | undefined): Workload {
  const f = readFixtures(job);
  const p = job?.params ?? {};
  const seed = p.seed ?? 1;
  const length = p.length ?? 5000;
  const cycle =
    name === 'mixed'
      ? mixedCycle(f, seed, length)
      : name === 'critical'
        ? criticalCycle(f, seed, length, p.coldFrom ?? 0)
        : heavyCycle(f, seed, length);
  let k = 0;
  return {
    async step(send: Send) {
      const r = cycle[k++ % cycle.length] as OpenRequest;
      await send(r.path, false, r);
      return 0;
    },
    async openPaths() {
      return cycle.map((r) => r.path);
    },
    async openRequests() {
      return cycle;
    },
  };
}
