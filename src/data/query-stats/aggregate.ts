import { LogHistogram } from './log-histogram.js';

/** One execution as the stats see it. */
export interface QuerySample {
  /** Execution time; absent when the statement never reached the server (rejected while waiting). */
  durationMs?: number;
  /** Time spent waiting for a connection before the statement was sent. */
  poolWaitMs?: number;
  rows?: number;
  /** SQLSTATE when the database failed it, else the error's own code. */
  errorCode?: string;
}

/** Percentiles of one time distribution, in milliseconds. */
export interface TimeStats {
  count: number;
  totalMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What one fingerprint did over one span of time. */
export interface WindowStats {
  calls: number;
  /** Calls per second over the span. */
  rate: number;
  errors: number;
  errorsByCode: Record<string, number>;
  rows: number;
  /** Execution time (not counting the wait for a connection). */
  time: TimeStats;
  poolWait: TimeStats;
}

/** Sums, histograms and maxima that add up: one per time bucket, one since start, one baseline. */
export class Aggregate {
  calls = 0;
  errors = 0;
  readonly errorsByCode = new Map<string, number>();
  rows = 0;
  totalMs = 0;
  maxMs = 0;
  readonly latency = new LogHistogram();
  waitTotalMs = 0;
  waitMaxMs = 0;
  readonly wait = new LogHistogram();

  record(s: QuerySample): void {
    this.calls++;
    if (s.errorCode !== undefined) {
      this.errors++;
      this.errorsByCode.set(s.errorCode, (this.errorsByCode.get(s.errorCode) ?? 0) + 1);
    }
    if (s.rows !== undefined) this.rows += s.rows;
    if (s.durationMs !== undefined) {
      const ms = Math.max(0, s.durationMs);
      this.totalMs += ms;
      if (ms > this.maxMs) this.maxMs = ms;
      this.latency.recordMs(ms);
    }
    if (s.poolWaitMs !== undefined) this.recordWait(s.poolWaitMs);
  }

  /** A wait for a connection reported apart from its statement (`QueryStats.recordPoolWait`). */
  recordWait(ms: number): void {
    const v = Math.max(0, ms);
    this.waitTotalMs += v;
    if (v > this.waitMaxMs) this.waitMaxMs = v;
    this.wait.recordMs(v);
  }

  /** Adds `other` with its counts and sums multiplied by `weight`; maxima stay maxima. */
  add(other: Aggregate, weight = 1): void {
    this.calls += other.calls * weight;
    this.errors += other.errors * weight;
    for (const [code, n] of other.errorsByCode)
      this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + n * weight);
    this.rows += other.rows * weight;
    this.totalMs += other.totalMs * weight;
    this.maxMs = Math.max(this.maxMs, other.maxMs);
    this.latency.add(other.latency, weight);
    this.waitTotalMs += other.waitTotalMs * weight;
    this.waitMaxMs = Math.max(this.waitMaxMs, other.waitMaxMs);
    this.wait.add(other.wait, weight);
  }

  /** Multiplies every count and sum, for exponential decay. */
  scale(factor: number): void {
    this.calls *= factor;
    this.errors *= factor;
    for (const [code, n] of this.errorsByCode) this.errorsByCode.set(code, n * factor);
    this.rows *= factor;
    this.totalMs *= factor;
    this.latency.scale(factor);
    this.waitTotalMs *= factor;
    this.wait.scale(factor);
  }

  /** Plain JSON over a span of `seconds`; `weight` scales counts (a decayed baseline's reference). */
  toJSON(seconds: number, weight = 1): WindowStats {
    const time = (h: LogHistogram, total: number, max: number): TimeStats => {
      // Percentiles come from buckets; clamping to the exact maximum keeps p99 <= max.
      const q = (p: number) => round(Math.min(h.quantileMs(p), max));
      return {
        count: round(h.count * weight),
        totalMs: round(total * weight),
        meanMs: h.count > 0 ? round(total / h.count) : 0,
        p50Ms: q(0.5),
        p95Ms: q(0.95),
        p99Ms: q(0.99),
        maxMs: round(max),
      };
    };
    return {
      calls: round(this.calls * weight),
      rate: seconds > 0 ? round((this.calls * weight) / seconds) : 0,
      errors: round(this.errors * weight),
      errorsByCode: Object.fromEntries([...this.errorsByCode].map(([c, n]) => [c, round(n * weight)])),
      rows: round(this.rows * weight),
      time: time(this.latency, this.totalMs, this.maxMs),
      poolWait: time(this.wait, this.waitTotalMs, this.waitMaxMs),
    };
  }
}

// Three decimals: microseconds for times, and decayed counts readable in a JSON dump.
const round = (n: number) => Math.round(n * 1000) / 1000;
