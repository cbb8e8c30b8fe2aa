// Thresholds in the k6 manner: `metric{filter:value}: ["agg op number"]`, e.g.
// `latency{name:home}: ["p(95)<300"]` or `errors: ["rate<1%"]`. A breached threshold makes the run
// exit non-zero, so a pipeline can gate on it. A latency bound may also be a multiple of the same
// aggregate of another group of the same run, `p(50)<2x{name:tags}`: on a shared machine a crowded
// host slows every request alike, so the ratio of a database-bound request to one that never reaches
// the database moves with the database path and hardly with the machine's noise.
import type { GroupStats, LoadResult, ThresholdOutcome, UserStats } from './result-types.js';

export const THRESHOLD_METRICS = [
  'latency',
  'service',
  'errors',
  'status_5xx',
  'users_affected',
  'late',
  'dropped',
] as const;
type Metric = (typeof THRESHOLD_METRICS)[number];

interface Key {
  metric: Metric;
  filter?: { by: 'name' | 'phase'; value: string };
}

export function parseThresholdKey(key: string): { ok: true; key: Key } | { ok: false; problem: string } {
  const m = /^([a-z_0-9]+)(?:\{(name|phase):([^}]+)\})?$/.exec(key.trim());
  if (!m) return { ok: false, problem: 'expected metric or metric{name:x} or metric{phase:x}' };
  const metric = m[1] as Metric;
  if (!(THRESHOLD_METRICS as readonly string[]).includes(metric)) {
    return { ok: false, problem: `unknown metric; expected one of ${THRESHOLD_METRICS.join(', ')}` };
  }
  const filter = m[2] ? { by: m[2] as 'name' | 'phase', value: (m[3] as string).trim() } : undefined;
  return { ok: true, key: filter ? { metric, filter } : { metric } };
}

const OPS = ['<=', '>=', '==', '!=', '<', '>'] as const;
type Op = (typeof OPS)[number];

interface Condition {
  agg: string;
  /** For p(N). */
  p?: number;
  op: Op;
  value: number;
  /** When set, the bound is `value` times the same aggregate of this group of the same run. */
  relativeTo?: { by: 'name' | 'phase'; value: string };
}

export function parseCondition(text: string): { ok: true; cond: Condition } | { ok: false; problem: string } {
  const m =
    /^\s*(p\((\d+(?:\.\d+)?)\)|avg|med|max|rate|count)\s*(<=|>=|==|!=|<|>)\s*(\d+(?:\.\d+)?)(%|x\{(name|phase):([^}]+)\})?\s*$/.exec(
      text,
    );
  if (!m)
    return {
      ok: false,
      problem: 'expected e.g. p(95)<300, avg<100, max<2000, rate<1%, count==0, p(50)<2x{name:tags}',
    };
  const agg = (m[1] as string).startsWith('p(') ? 'p' : (m[1] as string);
  const value = Number(m[4]) / (m[5] === '%' ? 100 : 1);
  const cond: Condition = { agg, op: m[3] as Op, value };
  if (m[6]) {
    if (agg === 'rate' || agg === 'count')
      return { ok: false, problem: 'only a latency aggregate (p(N), avg, med, max) can be relative' };
    cond.relativeTo = { by: m[6] as 'name' | 'phase', value: (m[7] as string).trim() };
  }
  if (agg === 'p') cond.p = Number(m[2]);
  if (cond.p !== undefined && (cond.p <= 0 || cond.p > 100))
    return { ok: false, problem: 'p(N) needs 0 < N ≤ 100' };
  return { ok: true, cond };
}

function compare(actual: number, op: Op, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}

function latencyAgg(g: GroupStats, which: 'latency' | 'service', c: Condition): number | null {
  const s = g[which];
  if (c.agg === 'avg') return s.mean;
  if (c.agg === 'max') return s.max;
  if (c.agg === 'med') return s.p50;
  if (c.agg === 'count') return s.count;
  if (c.agg !== 'p' || c.p === undefined) return null;
  const table: Record<number, number> = {
    50: s.p50,
    90: s.p90,
    95: s.p95,
    99: s.p99,
    99.9: s.p999,
    100: s.max,
  };
  return table[c.p] ?? null;
}

function share(n: number, of: number): number {
  return of > 0 ? n / of : 0;
}

function fiveXx(g: GroupStats): number {
  return Object.entries(g.byStatus)
    .filter(([k]) => /^5\d\d$/.test(k))
    .reduce((a, [, n]) => a + n, 0);
}

/** The value a condition is tested against, or null when the metric has no such aggregate. */
function actualOf(r: LoadResult, key: Key, c: Condition): { value: number | null; detail: string } {
  let group: GroupStats | undefined = r.total;
  let users: UserStats = r.users;
  if (key.filter?.by === 'name') group = r.byName[key.filter.value];
  if (key.filter?.by === 'phase') {
    const phase = r.phases.find((p) => p.phase === key.filter?.value);
    group = phase;
    if (phase) users = phase.users;
  }
  if (!group) return { value: null, detail: `no requests matched ${key.filter?.by}:${key.filter?.value}` };
  const countOrRate = (n: number, of: number) =>
    c.agg === 'count' ? n : c.agg === 'rate' ? share(n, of) : null;
  switch (key.metric) {
    case 'latency':
    case 'service':
      return { value: latencyAgg(group, key.metric, c), detail: 'ms' };
    case 'errors':
      return {
        value: countOrRate(group.requests - group.ok, group.requests),
        detail: `of ${group.requests}`,
      };
    case 'status_5xx':
      return { value: countOrRate(fiveXx(group), group.requests), detail: `of ${group.requests}` };
    case 'users_affected':
      return { value: countOrRate(users.affected, users.active), detail: `of ${users.active} users` };
    case 'late':
      return {
        value: countOrRate(r.generator.late, r.generator.intended),
        detail: `of ${r.generator.intended}`,
      };
    case 'dropped':
      return {
        value: countOrRate(r.generator.dropped, r.generator.intended),
        detail: `of ${r.generator.intended}`,
      };
  }
}

/** The number a condition compares with: its own, or that multiple of the reference group's aggregate. */
function boundOf(r: LoadResult, key: Key, c: Condition): { value: number | null; detail: string } {
  if (!c.relativeTo) return { value: c.value, detail: '' };
  if (key.metric !== 'latency' && key.metric !== 'service')
    return { value: null, detail: 'only latency and service bounds can be relative' };
  const reference = actualOf(r, { metric: key.metric, filter: c.relativeTo }, c);
  if (reference.value === null) return { value: null, detail: `reference: ${reference.detail}` };
  const bound = c.value * reference.value;
  return {
    value: bound,
    detail: `; bound ${bound.toFixed(2)} ms = ${c.value} × ${reference.value.toFixed(2)} ms of ${c.relativeTo.by}:${c.relativeTo.value}`,
  };
}

/** Evaluates every threshold of a scenario against a run's result. */
export function evaluateThresholds(r: LoadResult, thresholds: Record<string, string[]>): ThresholdOutcome[] {
  const out: ThresholdOutcome[] = [];
  for (const [rawKey, conds] of Object.entries(thresholds)) {
    const k = parseThresholdKey(rawKey);
    for (const condition of conds) {
      const c = parseCondition(condition);
      if (!k.ok || !c.ok) {
        out.push({ metric: rawKey, condition, ok: false, actual: null, detail: 'invalid threshold' });
        continue;
      }
      const { value, detail } = actualOf(r, k.key, c.cond);
      const bound = boundOf(r, k.key, c.cond);
      out.push({
        metric: rawKey,
        condition,
        ok: value !== null && bound.value !== null && compare(value, c.cond.op, bound.value),
        actual: value,
        detail:
          value === null
            ? `${detail || 'this metric has no such aggregate'}`
            : bound.value === null
              ? bound.detail
              : `${detail}${bound.detail}`,
      });
    }
  }
  return out;
}
