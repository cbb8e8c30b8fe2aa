import type { TakeResult } from './admission-queue.js';

/**
 * Per-class shares of the concurrency limit. When the pool is contended a class holds at most its
 * share (`floor(share × limit)` slots), so a slow feature cannot take every connection. A class past
 * its share may still borrow idle slots, but only while no other class is waiting and only as long as
 * `reserve` slots stay free for whoever comes next: borrowing never leaves a critical query to wait for
 * a heavy one to finish.
 *
 * No waiting class is starved: a class that already holds a slot leaves one free for each other
 * waiting class that holds none. Without this, the admission queue serving critical first let a
 * critical queue that never empties (a spike) keep every slot, and heavy requests waited for one until
 * their deadline: the slowest 503s of the spike benchmark, each a full second.
 */
export interface BulkheadOptions<K extends string> {
  /** Fraction of the limit per class, in (0, 1]; 1 means the class may use every slot. */
  shares: Readonly<Record<K, number>>;
  /** Fraction of the limit that borrowers leave free (0.25, at least one slot). */
  borrowReserve?: number;
}

export interface Bulkheads<K extends string> {
  /**
   * Takes a slot for `key` if the limit and its share allow; `waiting(k)` counts the queued per class
   * (a caller leaves out a class that could not take a slot anyway, so no slot is kept for it).
   */
  tryTake(key: K, limit: number, waiting: (key: K) => number): TakeResult;
  release(key: K): void;
  inflight(key: K): number;
  readonly total: number;
}

/** The decision alone, on plain values. */
export function bulkheadDecision<K extends string>(input: {
  key: K;
  limit: number;
  inflight: Readonly<Record<K, number>>;
  waiting: (key: K) => number;
  shares: Readonly<Record<K, number>>;
  borrowReserve: number;
}): 'ok' | 'class-full' | 'full' {
  const keys = Object.keys(input.shares) as K[];
  const total = keys.reduce((sum, k) => sum + (input.inflight[k] ?? 0), 0);
  if (total >= input.limit) return 'full';
  const own = input.inflight[input.key] ?? 0;
  const others = keys.filter((k) => k !== input.key && input.waiting(k) > 0);
  const owed = others.filter((k) => (input.inflight[k] ?? 0) === 0).length;
  if (own > 0 && input.limit - (total + 1) < owed) return 'class-full';
  if (own < Math.floor(input.shares[input.key] * input.limit)) return 'ok';
  if (others.length > 0) return 'class-full';
  const reserve = Math.max(1, Math.ceil(input.borrowReserve * input.limit));
  return input.limit - (total + 1) >= reserve ? 'ok' : 'class-full';
}

export function createBulkheads<K extends string>(options: BulkheadOptions<K>): Bulkheads<K> {
  const keys = Object.keys(options.shares) as K[];
  const borrowReserve = options.borrowReserve ?? 0.25;
  const inflight = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  let total = 0;

  return {
    tryTake(key, limit, waiting) {
      const decision = bulkheadDecision({
        key,
        limit,
        inflight,
        waiting,
        shares: options.shares,
        borrowReserve,
      });
      if (decision !== 'ok') return decision;
      inflight[key]++;
      total++;
      return 'taken';
    },
    release(key) {
      if (inflight[key] <= 0) throw new Error(`bulkhead release without a slot for ${key}`);
      inflight[key]--;
      total--;
    },
    inflight: (key) => inflight[key],
    get total() {
      return total;
    },
  };
}
