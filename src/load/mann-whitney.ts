// The Mann–Whitney U test, two-sided, as benchstat uses it to say whether two sets of repeated runs
// differ: exact for small samples without ties, the normal approximation (tie-corrected) otherwise.

export interface MannWhitney {
  /** U of the first sample. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  /** Rank-biserial correlation in [-1, 1]: > 0 when the first sample tends to be larger. */
  effect: number;
  exact: boolean;
}

function ranks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (
      j + 1 < order.length &&
      (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]
    )
      j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[(order[k] as readonly [number, number])[1]] = avg;
    i = j + 1;
  }
  return r;
}

/** Number of ways to reach each U with n and m items: the exact null distribution. */
function uDistribution(n: number, m: number): number[] {
  // f[i][j][u] by the recurrence f(n, m, u) = f(n-1, m, u-m) + f(n, m-1, u)
  const memo = new Map<string, number[]>();
  const f = (a: number, b: number): number[] => {
    if (a === 0 || b === 0) return [1];
    const key = `${a},${b}`;
    const seen = memo.get(key);
    if (seen) return seen;
    const left = f(a - 1, b);
    const right = f(a, b - 1);
    const out = new Array<number>(a * b + 1).fill(0);
    left.forEach((c, u) => {
      out[u + b] = (out[u + b] ?? 0) + c;
    });
    right.forEach((c, u) => {
      out[u] = (out[u] ?? 0) + c;
    });
    memo.set(key, out);
    return out;
  };
  return f(n, m);
}

function normalCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 through erf
  const t = 1 / (1 + 0.3275911 * Math.abs(z / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitney {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { u: 0, p: 1, effect: 0, exact: true };
  const r = ranks([...a, ...b]);
  const rankSumA = r.slice(0, n).reduce((s, x) => s + x, 0);
  const u = rankSumA - (n * (n + 1)) / 2;
  const effect = (2 * u) / (n * m) - 1;
  const ties = new Set([...a, ...b]).size < n + m;
  if (!ties && n + m <= 40) {
    const dist = uDistribution(n, m);
    const total = dist.reduce((s, c) => s + c, 0);
    const lo = Math.min(u, n * m - u);
    let tail = 0;
    for (let k = 0; k <= lo; k++) tail += dist[k] ?? 0;
    return { u, p: Math.min(1, (2 * tail) / total), effect, exact: true };
  }
  const all = [...a, ...b];
  const counts = new Map<number, number>();
  for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
  const tieTerm = [...counts.values()].reduce((s, t) => s + (t ** 3 - t), 0);
  const N = n + m;
  const sigma = Math.sqrt(((n * m) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  if (sigma === 0) return { u, p: 1, effect, exact: false };
  const z = (Math.abs(u - (n * m) / 2) - 0.5) / sigma;
  return { u, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), effect, exact: false };
}
