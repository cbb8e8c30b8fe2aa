// Questions about a window of a finished run that the run's own summaries cannot answer: the users
// affected between two instants (a union over seconds, never a sum: one user hurt in ten seconds is
// one user) and the span in which a given share of the requests went wrong. A fault injected from
// outside is an instant, not a phase, so its window is known only after the run.
import type { LoadResult, Slice, UserStats } from './result-types.js';

/**
 * What "slower than the objective" counts from: the intended send time (what a user waits, the
 * run's own figures) or the send (`served`: the generator's own lag left out, which is what a server
 * that times its requests itself can see; the two differ only when the generator sent late).
 */
export type SlowBasis = 'intended' | 'served';

/** Seconds from the run's start (its `startedAt`) to the epoch instant `atMs`; may be fractional. */
export function secondsInto(result: Pick<LoadResult, 'startedAt'>, atMs: number): number {
  return (atMs - Date.parse(result.startedAt)) / 1000;
}

/** Whether slice t, the second [t, t + 1), overlaps [fromS, toS): a slice at an edge counts whole. */
const overlaps = (t: number, fromS: number, toS: number) => t + 1 > fromS && t < toS;

/**
 * Users with a request due in [fromS, toS), and of those the users with one failed or slower than
 * the objective in it.
 * @example usersBetween(result, secondsInto(result, faultAt), 95) // { active: 100, affected: 41, share: 0.41 }
 */
export function usersBetween(
  result: Pick<LoadResult, 'perUser'>,
  fromS: number,
  toS: number,
  basis: SlowBasis = 'intended',
): UserStats {
  let active = 0;
  let affected = 0;
  for (const u of result.perUser) {
    if (u.activeS.some((t) => overlaps(t, fromS, toS))) active++;
    const hurt = basis === 'served' ? u.affectedServedS : u.affectedS;
    if (hurt.some((t) => overlaps(t, fromS, toS))) affected++;
  }
  return { active, affected, share: active > 0 ? affected / active : 0 };
}

/** Requests recorded in a slice and how many of them went wrong (failed, or 2xx but slow). */
export function sliceRequests(s: Slice, basis: SlowBasis = 'intended'): { requests: number; bad: number } {
  const requests = Object.values(s.byStatus).reduce((a, n) => a + n, 0);
  return { requests, bad: requests - s.ok + (basis === 'served' ? s.slowServed : s.slow) };
}

/**
 * The first and last seconds of [fromS, toS) in which at least `minBadShare` of the requests failed
 * or were slow, as [startS, endS) (endS the end of the last one), or null when none was. The
 * incident's impact uses the same rule over its own requests, so the two durations compare.
 */
export function impairedBetween(
  result: Pick<LoadResult, 'timeline'>,
  fromS: number,
  toS: number,
  minBadShare: number,
  basis: SlowBasis = 'intended',
): { startS: number; endS: number; seconds: number } | null {
  let span: { startS: number; endS: number; seconds: number } | null = null;
  for (const s of result.timeline) {
    if (!overlaps(s.t, fromS, toS)) continue;
    const { requests, bad } = sliceRequests(s, basis);
    if (requests === 0 || bad / requests < minBadShare) continue;
    span = span
      ? { startS: span.startS, endS: s.t + 1, seconds: span.seconds + 1 }
      : { startS: s.t, endS: s.t + 1, seconds: 1 };
  }
  return span;
}
