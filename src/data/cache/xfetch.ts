/**
 * XFetch, probabilistic early expiration (Vattani, Chierichetti, Lowenstein, "Optimal Probabilistic
 * Cache Stampede Prevention", VLDB 2015): a reader refreshes a still-valid entry early with a
 * probability that grows as expiry nears and as the recomputation gets slower:
 *
 *   refresh when  now − delta · beta · ln(random())  ≥  expiresAt
 *
 * `delta` is how long the last computation took; beta = 1 is the paper's optimum, > 1 refreshes
 * earlier. Chosen over stale-while-revalidate because it never serves a value past its TTL (SWR's
 * "stale" window is exactly what the consistency tests forbid) and because it needs no coordination:
 * processes sharing Redis each draw independently, so about one of them refreshes a hot key early.
 */
export interface XFetchInput {
  now: number;
  expiresAt: number;
  deltaMs: number;
  beta: number;
  /** Uniform in (0, 1]; injected so tests choose the draw. */
  random: () => number;
}

export function shouldRefreshEarly(input: XFetchInput): boolean {
  if (input.beta <= 0 || input.deltaMs <= 0) return false;
  // random() may return 0, and ln(0) = −∞ would refresh on every read.
  const r = Math.max(input.random(), Number.MIN_VALUE);
  return input.now - input.deltaMs * input.beta * Math.log(r) >= input.expiresAt;
}
