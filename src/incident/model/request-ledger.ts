import type { ImpactCounts, ImpactSource } from './impact.js';

/**
 * One finished request as a worker reports it. `user` is the authenticated user's id, or a stable
 * anonymous key (e.g. `ip:127.0.0.1`) for requests without a token.
 */
export interface RequestOutcome {
  /** Epoch ms when the response finished (or the request was given up). */
  atMs: number;
  user: string;
  /** HTTP status; 0 when no response was sent (client gone, socket reset). */
  status: number;
  durationMs: number;
}

interface Bucket {
  startMs: number;
  requests: number;
  failed: number;
  slow: number;
  active: Set<string>;
  affected: Set<string>;
  firstBadAtMs: number | null;
  lastBadAtMs: number | null;
}

export interface RequestLedgerOptions {
  /** Width of one bucket: the precision of an impact window's edges. */
  bucketMs?: number;
  /** How long buckets are kept; an incident longer than this counts only its last part. */
  retentionMs?: number;
  /** A successful request slower than this counts as affected (the latency SLO's threshold). */
  latencyObjectiveMs: number;
}

/** A failed request: server errors, admission rejections (429) and requests never answered. */
export function isFailure(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

/**
 * An in-memory ImpactSource: requests bucketed by time with the distinct users of each bucket, so
 * the users affected over any window are a union, not a sum (one user hurt in ten buckets is one
 * user). Memory is bounded by retention × distinct users per bucket.
 */
export class RequestLedger implements ImpactSource {
  readonly #buckets = new Map<number, Bucket>();
  readonly #bucketMs: number;
  readonly #retentionMs: number;
  readonly #latencyObjectiveMs: number;

  constructor(options: RequestLedgerOptions) {
    this.#bucketMs = options.bucketMs ?? 1_000;
    this.#retentionMs = options.retentionMs ?? 6 * 3_600_000;
    this.#latencyObjectiveMs = options.latencyObjectiveMs;
  }

  record(outcome: RequestOutcome): void {
    const startMs = outcome.atMs - (outcome.atMs % this.#bucketMs);
    let bucket = this.#buckets.get(startMs);
    if (!bucket) {
      bucket = {
        startMs,
        requests: 0,
        failed: 0,
        slow: 0,
        active: new Set(),
        affected: new Set(),
        firstBadAtMs: null,
        lastBadAtMs: null,
      };
      this.#buckets.set(startMs, bucket);
      this.#prune(startMs);
    }
    bucket.requests++;
    bucket.active.add(outcome.user);
    const failed = isFailure(outcome.status);
    const slow = !failed && outcome.durationMs > this.#latencyObjectiveMs;
    if (failed) bucket.failed++;
    if (slow) bucket.slow++;
    if (failed || slow) {
      bucket.affected.add(outcome.user);
      bucket.firstBadAtMs = Math.min(bucket.firstBadAtMs ?? outcome.atMs, outcome.atMs);
      bucket.lastBadAtMs = Math.max(bucket.lastBadAtMs ?? outcome.atMs, outcome.atMs);
    }
  }

  /** Buckets overlapping [fromMs, toMs) count whole: edges are precise to one bucket. */
  countsBetween(fromMs: number, toMs: number): ImpactCounts {
    const active = new Set<string>();
    const affected = new Set<string>();
    const counts: ImpactCounts = {
      requests: 0,
      requestsFailed: 0,
      requestsSlow: 0,
      activeUsers: 0,
      affectedUsers: 0,
      firstBadAtMs: null,
      lastBadAtMs: null,
    };
    for (const b of this.#buckets.values()) {
      if (b.startMs + this.#bucketMs <= fromMs || b.startMs >= toMs) continue;
      counts.requests += b.requests;
      counts.requestsFailed += b.failed;
      counts.requestsSlow += b.slow;
      for (const u of b.active) active.add(u);
      for (const u of b.affected) affected.add(u);
      if (b.firstBadAtMs !== null)
        counts.firstBadAtMs = Math.min(counts.firstBadAtMs ?? b.firstBadAtMs, b.firstBadAtMs);
      if (b.lastBadAtMs !== null)
        counts.lastBadAtMs = Math.max(counts.lastBadAtMs ?? b.lastBadAtMs, b.lastBadAtMs);
    }
    counts.activeUsers = active.size;
    counts.affectedUsers = affected.size;
    return counts;
  }

  /** Whole buckets: the first impaired bucket's start and the last impaired bucket's end. */
  impairedBetween(
    fromMs: number,
    toMs: number,
    minBadShare: number,
  ): { startMs: number; endMs: number } | null {
    let span: { startMs: number; endMs: number } | null = null;
    for (const b of this.#buckets.values()) {
      if (b.startMs + this.#bucketMs <= fromMs || b.startMs >= toMs || b.requests === 0) continue;
      if ((b.failed + b.slow) / b.requests < minBadShare) continue;
      const end = b.startMs + this.#bucketMs;
      span = span
        ? { startMs: Math.min(span.startMs, b.startMs), endMs: Math.max(span.endMs, end) }
        : { startMs: b.startMs, endMs: end };
    }
    return span;
  }

  #prune(newestStartMs: number): void {
    for (const start of this.#buckets.keys()) {
      if (start < newestStartMs - this.#retentionMs) this.#buckets.delete(start);
    }
  }
}
