import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALERT_NAMES } from './alert-rules.js';
import { SloEvaluator } from './slo-evaluator.js';

const settings = {
  availabilityTarget: 0.999,
  latencyTarget: 0.99,
  latencyThresholdMs: 300,
  timeScale: 3600, // an hour is a second: 5 min = 83 ms
  minRequests: 50,
  poolWaitP95Ms: 100,
  rejectionsPerSecond: 1,
};
const calm = { poolWaitP95Ms: 2, rejectionsPerSecond: 0 };

test('slow requests page the latency SLO once the scaled for duration passes, and only it', () => {
  const e = new SloEvaluator(settings);
  const fired: string[] = [];
  for (let t = 0; t <= 1200; t += 20) {
    e.record(t, { requests: 20, errors: 0, slow: t >= 200 ? 10 : 0 });
    for (const tr of e.evaluate(t, calm, { diagnosis: 'db.pool: 87% waiting' })) {
      fired.push(`${tr.to} ${tr.alert.labels.alertname}`);
      assert.equal(tr.alert.annotations.runbook_url, `docs/runbooks/${tr.alert.labels.alertname}.md`);
      assert.equal(tr.alert.annotations.diagnosis, 'db.pool: 87% waiting');
    }
  }
  assert.ok(fired.includes('pending BulwarkLatencyBurnRatePage'), fired.join(','));
  assert.ok(fired.includes('firing BulwarkLatencyBurnRatePage'), fired.join(','));
  assert.ok(!fired.some((f) => f.includes('Availability')), fired.join(','));
  const firing = e.firing().find((a) => a.labels.alertname === 'BulwarkLatencyBurnRatePage');
  assert.ok(firing);
  assert.deepEqual(firing.labels, {
    alertname: 'BulwarkLatencyBurnRatePage',
    severity: 'page',
    service: 'bulwark',
    slo: 'latency',
  });
  assert.match(firing.annotations.description ?? '', /burn \d+\.\d× over 1s/);
});

test('pool wait over its bound and rejections raise the saturation alerts', () => {
  const e = new SloEvaluator({ ...settings, timeScale: 60 }); // for 1m → 1 s
  e.evaluate(0, { poolWaitP95Ms: 250, rejectionsPerSecond: 4 });
  const t = e.evaluate(1000, { poolWaitP95Ms: 250, rejectionsPerSecond: 4 });
  assert.deepEqual(t.map((x) => `${x.to} ${x.alert.labels.alertname}`).sort(), [
    'firing BulwarkAdmissionRejectionsHigh',
    'firing BulwarkDbPoolWaitHigh',
  ]);
  const pool = t.find((x) => x.alert.labels.alertname === 'BulwarkDbPoolWaitHigh');
  assert.equal(pool?.alert.annotations.description, 'pool wait p95 250.0 ms over 5s (bound 100 ms)');
  const r = e.evaluate(2000, { poolWaitP95Ms: null, rejectionsPerSecond: 0 });
  assert.equal(r.filter((x) => x.to === 'resolved').length, 2);
});

test('every alert name is evaluated', () => {
  const e = new SloEvaluator(settings);
  e.evaluate(0, { poolWaitP95Ms: 1000, rejectionsPerSecond: 100 });
  e.record(1, { requests: 1000, errors: 1000, slow: 1000 });
  e.evaluate(2, { poolWaitP95Ms: 1000, rejectionsPerSecond: 100 });
  const names = new Set(e.active().map((a) => a.labels.alertname));
  assert.deepEqual([...names].sort(), [...ALERT_NAMES].sort());
});
