/** Users 1 … AUTHOR_READERS read authors' second pages: the route the dropped index serves. */
export const AUTHOR_READERS = 40;
/** Users AUTHOR_READERS + 1 … SIGNED_IN read articles, comments, profiles and tags: routes the fault should not touch. */
export const SIGNED_IN = 100;

/**
 * The load of the seed-fault test as a `bulwark load` scenario: two groups of signed-in users with
 * different habits, so the fault hurts a known subset. Everyone is signed in and sends the token on
 * every request, because the incident counts users by token (anonymous requests from one address
 * would be one user to it, and many to the generator). Author readers read the second and third
 * pages of rare authors (fewer articles than those pages need): uncached, and without the index each
 * such page walks the whole table through the creation-time index. Their rate is more than twice
 * what the guard lets listings have without the index even on a quiet machine, so the queue on the
 * pool forms on a quiet machine and a busy one alike. The others use only single-article, comment, profile and
 * tag reads: cached, and in the critical query class, whose share of the pool the listings cannot take.
 */
export function seedFaultScenario(o: { authors: string[]; durationS: number; objectiveMs: number }) {
  const auth = { auth: true };
  return {
    name: 'incident-seed',
    seed: 6,
    objective: { latency: `${o.objectiveMs}ms`, degradedAbove: 0.05 },
    users: { anonymous: 1, signedIn: SIGNED_IN, firstSignedIn: 1 },
    data: { hotShare: 0.9 },
    // Opened before the run: on demand, the 50-odd opened when the fault slows the listings kept
    // a few readers of cached pages waiting for a connection, which the server cannot see.
    client: { connections: 256, preconnect: '/health/live', timeout: '10s', drain: '10s' },
    // 110 requests/s: 90/s of author pages, 20/s of the rest (weights 9 × 2 steps against 1 × 4),
    // reached over 15 s: a cold stack on a crowded machine sheds a full rate from its first second
    executor: {
      type: 'ramping',
      startRate: 10,
      stages: [
        { duration: '15s', target: 110, phase: 'warm-up' },
        { duration: `${o.durationS - 15}s`, target: 110, phase: 'steady' },
      ],
    },
    values: { authors: o.authors },
    journeys: [
      {
        name: 'author-pages',
        as: 'signed-in',
        users: { from: 1, to: AUTHOR_READERS },
        weight: 9,
        think: ['200ms', '600ms'],
        steps: [
          { name: 'by-author-p2', get: '/api/articles?author={values.authors}&limit=5&offset=5', ...auth },
          { name: 'by-author-p3', get: '/api/articles?author={values.authors}&limit=5&offset=10', ...auth },
        ],
      },
      {
        name: 'reading',
        as: 'signed-in',
        users: { from: AUTHOR_READERS + 1, to: SIGNED_IN },
        weight: 1,
        think: ['200ms', '600ms'],
        steps: [
          { name: 'article', get: '/api/articles/{slug}', ...auth },
          { name: 'comments', get: '/api/articles/{slug}/comments', ...auth },
          { name: 'profile', get: '/api/profiles/{author}', ...auth },
          { name: 'tags', get: '/api/tags', ...auth },
        ],
      },
    ],
  };
}
