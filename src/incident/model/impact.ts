import type { Impact } from './types.js';

/**
 * What the telemetry knows about requests between two instants, as the incident needs it. The
 * supervisor implements it over what the workers report (see `RequestLedger`); another deployment
 * may implement it over Prometheus or its logs.
 */
export interface ImpactSource {
  countsBetween(fromMs: number, toMs: number): ImpactCounts;
  /**
   * The first and last instants of [fromMs, toMs) in which at least `minBadShare` of the requests
   * failed or were slow (with the source's own resolution), or null when none was.
   */
  impairedBetween(
    fromMs: number,
    toMs: number,
    minBadShare: number,
  ): { startMs: number; endMs: number } | null;
}

export interface ImpactCounts {
  requests: number;
  /** Answered 5xx or 429, or never answered: the user did not get what they asked for. */
  requestsFailed: number;
  /** Answered successfully but slower than the latency objective. */
  requestsSlow: number;
  /** Distinct users who sent at least one request in the window. */
  activeUsers: number;
  /** Distinct users with at least one failed or slow request in the window. */
  affectedUsers: number;
  /** First and last failed or slow request seen in the window (epoch ms), when any. */
  firstBadAtMs: number | null;
  lastBadAtMs: number | null;
}

/** The incident's impact over its window, with the share of active users affected. */
export function impactOver(source: ImpactSource, fromMs: number, toMs: number): Impact {
  const c = source.countsBetween(fromMs, toMs);
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    durationMs: Math.max(0, toMs - fromMs),
    requests: c.requests,
    requestsFailed: c.requestsFailed,
    requestsSlow: c.requestsSlow,
    activeUsers: c.activeUsers,
    affectedUsers: c.affectedUsers,
    affectedShare: c.activeUsers > 0 ? c.affectedUsers / c.activeUsers : 0,
  };
}
