/** Counts that the SLOs read: requests, those that failed (5xx) and those over the latency bound. */
export interface SloCounts {
  requests: number;
  errors: number;
  slow: number;
}

export const zeroCounts = (): SloCounts => ({ requests: 0, errors: 0, slow: 0 });

/**
 * Request counts in time buckets, so any window up to `retainMs` can be summed: the in-process
 * equivalent of `increase(...[window])`. Memory is `retainMs / bucketMs` small objects at most.
 */
export class CounterWindows {
  readonly #bucketMs: number;
  readonly #retainMs: number;
  readonly #buckets = new Map<number, SloCounts>();

  constructor(options: { bucketMs: number; retainMs: number }) {
    if (!(options.bucketMs > 0)) throw new RangeError('bucketMs must be positive');
    this.#bucketMs = options.bucketMs;
    this.#retainMs = options.retainMs;
  }

  add(now: number, counts: SloCounts): void {
    const epoch = Math.floor(now / this.#bucketMs);
    const b = this.#buckets.get(epoch) ?? zeroCounts();
    b.requests += counts.requests;
    b.errors += counts.errors;
    b.slow += counts.slow;
    this.#buckets.set(epoch, b);
    this.#prune(now);
  }

  /** Sums the buckets that end inside `(now - windowMs, now]` (the current one included). */
  sum(now: number, windowMs: number): SloCounts {
    const current = Math.floor(now / this.#bucketMs);
    // A bucket belongs to the window when it ends after the window's start.
    const first = Math.floor((now - windowMs) / this.#bucketMs) + 1;
    const out = zeroCounts();
    for (const [epoch, b] of this.#buckets) {
      if (epoch < first || epoch > current) continue;
      out.requests += b.requests;
      out.errors += b.errors;
      out.slow += b.slow;
    }
    return out;
  }

  get bucketCount(): number {
    return this.#buckets.size;
  }

  #prune(now: number): void {
    const oldest = Math.floor((now - this.#retainMs) / this.#bucketMs);
    for (const epoch of this.#buckets.keys()) if (epoch < oldest) this.#buckets.delete(epoch);
  }
}

/**
 * Turns cumulative counters (one per worker, since its start) into increments. A counter that went
 * down means the worker restarted: its new value is the increment, as Prometheus's `increase` does.
 */
export class CounterDeltas {
  readonly #last = new Map<string, SloCounts>();

  delta(source: string, cumulative: SloCounts): SloCounts {
    const prev = this.#last.get(source);
    this.#last.set(source, { ...cumulative });
    if (!prev) return { ...cumulative };
    const d = (k: keyof SloCounts) => {
      const v = cumulative[k] - prev[k];
      return v < 0 ? cumulative[k] : v;
    };
    return { requests: d('requests'), errors: d('errors'), slow: d('slow') };
  }

  /** Forgets sources no longer reported (a worker that exited). */
  retain(sources: Iterable<string>): void {
    const keep = new Set(sources);
    for (const k of this.#last.keys()) if (!keep.has(k)) this.#last.delete(k);
  }
}
