import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadResult } from './result-types.js';
import { evaluateThresholds, parseCondition, parseThresholdKey } from './thresholds.js';

const summary = (p50: number, p95: number, p99: number) => ({
  p50,
  p90: p95,
  p95,
  p99,
  p999: p99,
  max: p99,
  mean: p50,
  count: 100,
});

function result(): LoadResult {
  const g = (ok: number, statuses: Record<string, number>, p95: number) => ({
    requests: 100,
    ok,
    slow: 0,
    byStatus: statuses,
    latency: summary(10, p95, p95 * 2),
    service: summary(5, p95 / 2, p95),
  });
  return {
    total: g(97, { '200': 97, '503': 2, timeout: 1 }, 120),
    byName: { home: g(100, { '200': 100 }, 80) },
    phases: [
      {
        ...g(95, { '200': 95, '503': 5 }, 300),
        phase: 'spike',
        fromS: 0,
        toS: 10,
        users: { active: 50, affected: 3, share: 0.06 },
        goodput: 9.5,
        peakSliceShare: 0.1,
      },
    ],
    users: { active: 200, affected: 4, share: 0.02 },
    generator: {
      processes: 1,
      intended: 100,
      sent: 100,
      late: 2,
      lateThresholdMs: 10,
      maxSendLagMs: 12,
      dropped: 0,
      unfinished: 0,
      cpuCores: [0.1],
      nice: [0],
      eventLoopP99Ms: 1,
      keptRate: true,
    },
  } as unknown as LoadResult;
}

test('threshold keys and conditions parse in the k6 manner, and bad ones say what is expected', () => {
  assert.deepEqual(parseThresholdKey('latency{name:home}'), {
    ok: true,
    key: { metric: 'latency', filter: { by: 'name', value: 'home' } },
  });
  assert.equal(parseThresholdKey('latncy').ok, false);
  assert.deepEqual(parseCondition('rate<1%'), { ok: true, cond: { agg: 'rate', op: '<', value: 0.01 } });
  assert.deepEqual(parseCondition('p(99) <= 250'), {
    ok: true,
    cond: { agg: 'p', p: 99, op: '<=', value: 250 },
  });
  const bad = parseCondition('p95 < 3');
  assert.equal(bad.ok, false);
});

test('thresholds evaluate against the whole run, a request name and a phase', () => {
  const out = evaluateThresholds(result(), {
    latency: ['p(95)<200', 'p(99)<200'],
    'latency{name:home}': ['p(95)<100'],
    errors: ['rate<5%'],
    status_5xx: ['count==0'],
    'users_affected{phase:spike}': ['rate<1%'],
    late: ['rate<=2%'],
    'latency{name:missing}': ['p(95)<1'],
  });
  assert.deepEqual(
    out.map((t) => [t.metric, t.condition, t.ok, t.actual]),
    [
      ['latency', 'p(95)<200', true, 120],
      ['latency', 'p(99)<200', false, 240],
      ['latency{name:home}', 'p(95)<100', true, 80],
      ['errors', 'rate<5%', true, 0.03],
      ['status_5xx', 'count==0', false, 2],
      ['users_affected{phase:spike}', 'rate<1%', false, 0.06],
      ['late', 'rate<=2%', true, 0.02],
      ['latency{name:missing}', 'p(95)<1', false, null],
    ],
  );
});

test('a latency bound can be a multiple of another group of the same run, and says what it compared with', () => {
  const r = result();
  r.byName.tags = { ...r.byName.home, latency: summary(4, 8, 9) } as LoadResult['byName'][string];
  const out = evaluateThresholds(r, {
    'latency{name:home}': ['p(50)<3x{name:tags}', 'p(50)<2x{name:tags}', 'p(95)<=10x{name:tags}'],
    'latency{name:missing}': ['p(50)<2x{name:tags}'],
    latency: ['p(50)<2x{name:nowhere}'],
  });
  assert.deepEqual(
    out.map((t) => [t.condition, t.ok, t.actual]),
    [
      ['p(50)<3x{name:tags}', true, 10],
      ['p(50)<2x{name:tags}', false, 10],
      ['p(95)<=10x{name:tags}', true, 80],
      ['p(50)<2x{name:tags}', false, null],
      ['p(50)<2x{name:nowhere}', false, 10],
    ],
  );
  assert.equal(out[1]?.detail, 'ms; bound 8.00 ms = 2 × 4.00 ms of name:tags');
  assert.equal(out[4]?.detail, 'reference: no requests matched name:nowhere');
  assert.deepEqual(parseCondition('p(50) < 2.5x{phase:spike}'), {
    ok: true,
    cond: { agg: 'p', p: 50, op: '<', value: 2.5, relativeTo: { by: 'phase', value: 'spike' } },
  });
  assert.equal(parseCondition('rate<2x{name:tags}').ok, false, 'a rate is not relative to a latency');
});
