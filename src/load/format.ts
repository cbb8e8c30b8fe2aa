/** Small number formatting shared by the reports. */
export const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
export const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
export const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(x < 0.1 ? 2 : 1)}%` : '–');
export const msText = (ms: number) =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;

/** "200: 950, 503: 12" with the largest first. */
export function statusText(byStatus: Record<string, number>): string {
  const e = Object.entries(byStatus).sort((a, b) => b[1] - a[1]);
  return e.length === 0 ? '–' : e.map(([k, n]) => `${k}: ${f0(n)}`).join(', ');
}

/** Non-2xx answers and client-side failures, summed by status class or kind ("5xx", "4xx", "timeout"). */
export function failuresByClass(byStatus: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(byStatus)) {
    if (/^2\d\d$/.test(k)) continue;
    const c = /^\d\d\d$/.test(k) ? `${k[0]}xx` : k;
    out[c] = (out[c] ?? 0) + n;
  }
  return out;
}

export function count5xx(byStatus: Record<string, number>): number {
  return Object.entries(byStatus)
    .filter(([k]) => /^5\d\d$/.test(k))
    .reduce((a, [, n]) => a + n, 0);
}
