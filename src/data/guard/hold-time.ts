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

/**
 * `weight` is a new sample's share of the mean: 0.2 follows the last five or so holds, so when the
 * database slows (a crowded host) the lane's CoDel target follows within a few queries instead of
 * shedding on the old pace meanwhile (beside two CPU hogs the seed-incident scenario shed 53 requests
 * with 0.05 and none with 0.2, one run each).
 */
export function createHoldTimes<K extends string>(keys: readonly K[], weight = 0.2): HoldTimes<K> {
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
