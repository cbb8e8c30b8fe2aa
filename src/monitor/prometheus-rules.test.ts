import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ALERT_NAMES } from './alert-rules.js';
import { type PrometheusRuleDoc, prometheusRuleYaml } from './prometheus-rules.js';

const settings = {
  availabilityTarget: 0.999,
  latencyTarget: 0.99,
  latencyThresholdMs: 300,
  timeScale: 60,
  minRequests: 100,
  poolWaitP95Ms: 100,
  rejectionsPerSecond: 1,
};

test('the exported PrometheusRule parses and every alert has expr, for, severity and runbook_url', () => {
  const doc = parse(prometheusRuleYaml(settings)) as PrometheusRuleDoc;
  assert.equal(doc.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(doc.kind, 'PrometheusRule');
  const alerts = doc.spec.groups.flatMap((g) => g.rules).filter((r) => r.alert);
  assert.deepEqual(
    alerts.map((a) => a.alert),
    [...ALERT_NAMES],
  );
  for (const a of alerts) {
    assert.ok(a.expr.length > 0, `${a.alert} expr`);
    assert.match(a.for ?? '', /^\d+[smhd]$/, `${a.alert} for`);
    assert.ok(['page', 'ticket', 'warning'].includes(a.labels?.severity ?? ''), `${a.alert} severity`);
    assert.equal(a.annotations?.runbook_url, `docs/runbooks/${a.alert}.md`);
  }
});

test('recording rules cover every burn-rate window and the alerts read only recorded series', () => {
  const doc = parse(prometheusRuleYaml(settings)) as PrometheusRuleDoc;
  const recorded = new Set(
    doc.spec.groups.flatMap((g) => g.rules).flatMap((r) => (r.record ? [r.record] : [])),
  );
  for (const w of ['5m', '30m', '1h', '6h', '3d'])
    for (const s of ['http_requests:rate', 'http_errors:ratio_rate', 'http_slow:ratio_rate'])
      assert.ok(recorded.has(`bulwark:${s}${w}`), `bulwark:${s}${w}`);
  const page = doc.spec.groups
    .flatMap((g) => g.rules)
    .find((r) => r.alert === 'BulwarkAvailabilityBurnRatePage');
  assert.equal(
    page?.expr,
    '(bulwark:http_errors:ratio_rate1h > (14.4 * 0.001) and bulwark:http_errors:ratio_rate5m > (14.4 * 0.001) and on() (bulwark:http_requests:rate1h * 3600) >= 100)\n' +
      'or\n' +
      '(bulwark:http_errors:ratio_rate6h > (6 * 0.001) and bulwark:http_errors:ratio_rate30m > (6 * 0.001) and on() (bulwark:http_requests:rate6h * 21600) >= 100)',
  );
  for (const series of page?.expr.match(/bulwark:[\w:]+/g) ?? []) assert.ok(recorded.has(series), series);
  const latency = doc.spec.groups
    .flatMap((g) => g.rules)
    .find((r) => r.record === 'bulwark:http_slow:ratio_rate5m');
  assert.match(latency?.expr ?? '', /le="0\.3"/);
});

test('the export uses the real windows whatever the drill time scale', () => {
  const a = prometheusRuleYaml(settings);
  const b = prometheusRuleYaml({ ...settings, timeScale: 1 });
  assert.equal(a, b);
});

test('the latency objective sits on a bucket bound of the request histogram, so Prometheus can count it', async () => {
  const { HTTP_BUCKETS } = await import('../telemetry/index.js');
  assert.ok(HTTP_BUCKETS.includes(settings.latencyThresholdMs / 1000), `${HTTP_BUCKETS.join(',')}`);
});

test('the exported rules read only metrics the workers register', async () => {
  const { createWorkerMetrics } = await import('../telemetry/index.js');
  const m = createWorkerMetrics({ sources: {}, runtime: false });
  const names = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
  m.close();
  const doc = parse(prometheusRuleYaml(settings)) as PrometheusRuleDoc;
  const used = new Set(
    doc.spec.groups
      .flatMap((g) => g.rules)
      .flatMap((r) => r.expr.match(/\b[a-z_]+\b/g) ?? [])
      .map((id) => id.replace(/_(?:bucket|count|sum)$/, ''))
      .filter((id) => /_(?:seconds|total)$/.test(id)),
  );
  assert.ok(used.size >= 3);
  for (const u of used) assert.ok(names.has(u), `${u} is not registered by the workers`);
});
