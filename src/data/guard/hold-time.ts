/**
 * How long an admission holds its slot, per query class: an exponentially weighted mean of the
 * recent holds (admission to release, so connect, SETs and every statement of a transaction count).
 * The admission queue divides it by the class's slots to predict a newcomer's wait.
 */
export interface HoldTimes<K extends string> {
  record(key: K, ms: number): void;
  /** The mean hold (ms); 0 until the class has a sample. */
  mean(key: K): number;
}

/** `weight` is a new sample's share of the mean: 0.05 follows the last twenty or so holds. */
export function createHoldTimes<K extends string>(keys: readonly K[], weight = 0.05): HoldTimes<K> {
  const means = new Map<K, number>(keys.map((k) => [k, 0]));
  return {
    record(key, ms) {
      if (!(ms >= 0)) return;
      const prev = means.get(key) ?? 0;
      means.set(key, prev === 0 ? ms : prev + weight * (ms - prev));
    },
    mean: (key) => means.get(key) ?? 0,
  };
}
