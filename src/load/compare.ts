// Comparison with a baseline in the benchstat manner: repeated runs on each side, medians, the
// Mann–Whitney U test, and no verdict without significance; the effect size is the ratio of the
// medians and the rank-biserial correlation.
import { type MannWhitney, mannWhitney } from './mann-whitney.js';
import type { LoadResult } from './result-types.js';

export interface RunSample {
  p50: number;
  p95: number;
  p99: number;
  goodput: number;
  errorRate: number;
  usersAffected: number;
}

export interface SampleSet {
  kind: 'bulwark-load-samples';
  scenario: string;
  target: string;
  recordedAt: string;
  runs: RunSample[];
}

export function sampleOf(r: LoadResult): RunSample {
  return {
    p50: r.total.latency.p50,
    p95: r.total.latency.p95,
    p99: r.total.latency.p99,
    goodput: r.goodput,
    errorRate: r.total.requests > 0 ? (r.total.requests - r.total.ok) / r.total.requests : 0,
    usersAffected: r.users.share,
  };
}

const METRICS = [
  { key: 'p50', lowerIsBetter: true },
  { key: 'p95', lowerIsBetter: true },
  { key: 'p99', lowerIsBetter: true },
  { key: 'goodput', lowerIsBetter: false },
  { key: 'errorRate', lowerIsBetter: true },
  { key: 'usersAffected', lowerIsBetter: true },
] as const;

export const ALPHA = 0.05;

export interface MetricComparison {
  metric: string;
  baseline: number[];
  candidate: number[];
  baselineMedian: number;
  candidateMedian: number;
  /** candidate / baseline median (NaN when the baseline median is 0). */
  ratio: number;
  test: MannWhitney;
  verdict: 'better' | 'worse' | 'no significant change';
}

export interface Comparison {
  metrics: MetricComparison[];
  /** On latency: faster or slower only when significant at ALPHA. */
  verdict: 'faster' | 'slower' | 'no significant change';
  notes: string[];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function compareSamples(baseline: readonly RunSample[], candidate: readonly RunSample[]): Comparison {
  const metrics = METRICS.map(({ key, lowerIsBetter }): MetricComparison => {
    const b = baseline.map((s) => s[key]);
    const c = candidate.map((s) => s[key]);
    const bm = median(b);
    const cm = median(c);
    const test = mannWhitney(c, b);
    const significant = test.p < ALPHA && cm !== bm;
    const improved = lowerIsBetter ? cm < bm : cm > bm;
    return {
      metric: key,
      baseline: b,
      candidate: c,
      baselineMedian: bm,
      candidateMedian: cm,
      ratio: bm === 0 ? Number.NaN : cm / bm,
      test,
      verdict: significant ? (improved ? 'better' : 'worse') : 'no significant change',
    };
  });
  const latency = metrics.filter((m) => m.metric === 'p50' || m.metric === 'p99');
  const verdict = latency.some((m) => m.verdict === 'worse')
    ? 'slower'
    : latency.some((m) => m.verdict === 'better')
      ? 'faster'
      : 'no significant change';
  const notes: string[] = [];
  const n = Math.min(baseline.length, candidate.length);
  if (n < 5) {
    notes.push(
      `only ${baseline.length} baseline and ${candidate.length} candidate runs: with fewer than 5 on a side a real change may not reach p < ${ALPHA} (3 against 3 never can)`,
    );
  }
  return { metrics, verdict, notes };
}

export function comparisonText(c: Comparison): string {
  const rows = c.metrics.map((m) => {
    const fmt = (x: number) =>
      m.metric === 'errorRate' || m.metric === 'usersAffected' ? `${(x * 100).toFixed(2)}%` : x.toFixed(2);
    const ratio = Number.isFinite(m.ratio) ? `×${m.ratio.toFixed(2)}` : '–';
    return `| ${m.metric} | ${fmt(m.baselineMedian)} | ${fmt(m.candidateMedian)} | ${ratio} | ${m.test.p.toFixed(3)}${m.test.exact ? '' : ' (approx.)'} | ${m.test.effect.toFixed(2)} | ${m.verdict} |`;
  });
  return [
    `**Verdict: ${c.verdict}** (Mann–Whitney U, two-sided, α = ${ALPHA}; medians of repeated runs)`,
    '',
    '| metric | baseline median | candidate median | ratio | p | rank-biserial | verdict |',
    '|---|--:|--:|--:|--:|--:|---|',
    ...rows,
    ...c.notes.map((n) => `\n> ${n}`),
    '',
  ].join('\n');
}
