// Deterministic pseudo-randomness in SQL. Every draw is a hash of (key, stream), never random():
// the dataset is then a pure function of the sizes, independent of plan shape, parallel workers or
// the order in which rows happen to be produced. `hashint8extended` is stable across PostgreSQL
// versions and platforms because hash partitioning depends on it.

/** SQL for a uniform double in [0, 1), fixed by the bigint expression `key` and the `stream` number. */
export function uniform(key: string, stream: number): string {
  return `((hashint8extended((${key})::bigint, ${stream}) & 281474976710655)::float8 / 281474976710656.0)`;
}

/** SQL for a non-negative bigint hash of `key` in `stream`, for picking from small arrays with `%`. */
export function hashOf(key: string, stream: number): string {
  return `(hashint8extended((${key})::bigint, ${stream}) & 9223372036854775807)`;
}

/**
 * SQL for a Zipf-like rank in [0, n): rank r comes up with probability about proportional to
 * (r + 1)^-s. It inverts the CDF of the continuous power law x^-s on [1, n + 1), so one uniform draw
 * gives one rank with no table of weights. s = 1 is the classic Zipf; smaller s is a flatter head.
 * `n` is a number, or a SQL expression when the population grows with time (users who have joined).
 */
export function zipfRank(u: string, n: number | string, s: number): string {
  if (typeof n === 'number' && n <= 1) return '0::bigint';
  const a = 1 - s;
  const last = typeof n === 'number' ? String(n - 1) : `(${n}) - 1`;
  if (Math.abs(a) < 1e-9) {
    const logSpan = typeof n === 'number' ? String(Math.log(n + 1)) : `ln((${n}) + 1)`;
    return `least(${last}, floor(exp(${u} * ${logSpan}))::bigint - 1)`;
  }
  const span = typeof n === 'number' ? String((n + 1) ** a - 1) : `(power((${n}) + 1, ${a}) - 1)`;
  return `least(${last}, floor(power(1 + ${span} * ${u}, ${1 / a}))::bigint - 1)`;
}

/**
 * SQL mapping a rank in [0, n) to an id in [1, n] through the bijection r -> (r * p + c) mod n, with
 * the prime p and the offset c chosen by `role`. Role 0 is the identity (rank 0 is id 1, the oldest
 * row); other roles scatter the head elsewhere, so the most prolific author is not also the
 * heaviest favoriter.
 */
export function rankToId(rank: string, n: number, role: number): string {
  if (role === 0) return `((${rank}) + 1)`;
  const p = multiplier(n, role);
  const offset = Math.floor(n * ((role * GOLDEN) % 1));
  return `(((${rank}) * ${p} + ${offset}) % ${n} + 1)`;
}

const GOLDEN = 0.618_033_988_749_895;

// Primes, so each is coprime with n unless it divides n; then the next one serves.
const PRIMES = [7919, 104_729, 1_299_709, 15_485_863, 179_424_673];

function multiplier(n: number, role: number): number {
  for (let i = 0; i < PRIMES.length; i++) {
    const p = PRIMES[(role - 1 + i) % PRIMES.length] as number;
    if (n % p !== 0) return p;
  }
  return 1;
}
