import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type SpawnedStack, spawnStack } from '../support/spawn-stack.js';

/** A real Alertmanager-style receiver on loopback, recording each payload. */
const received: {
  status: string;
  alerts: { labels: Record<string, string>; annotations: Record<string, string> }[];
}[] = [];
const hook = createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => {
    raw += c;
  });
  req.on('end', () => {
    received.push(JSON.parse(raw));
    res.writeHead(200).end();
  });
});

let stack: SpawnedStack;

before(async () => {
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const { port } = hook.address() as AddressInfo;
  stack = await spawnStack([
    '--slo.evaluateIntervalMs',
    '500',
    '--slo.timeScale',
    '3600',
    '--slo.minRequests',
    '10',
    // every request is "slow" against a 1 ms objective: the latency SLO must burn and page
    '--slo.latencyThresholdMs',
    '1',
    '--alerts.webhookUrls',
    `http://127.0.0.1:${port}/hook`,
  ]);
  await stack.waitFor((l) => l.msg === 'bulwark is up');
});

after(async () => {
  stack?.child.kill('SIGTERM');
  await stack?.exited;
  hook.closeAllConnections();
  await new Promise<void>((r) => hook.close(() => r()));
});

async function traffic(ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await Promise.all(
      ['/api/articles?limit=5', '/api/tags', '/api/articles?limit=10&offset=10'].map((p) =>
        fetch(`${stack.baseUrl}${p}`).then((r) => r.arrayBuffer()),
      ),
    );
  }
}

test('the running stack diagnoses its own traffic: GET /ops/diagnosis returns a verdict over a real window', async () => {
  await traffic(3000);
  const res = await fetch(`${stack.opsUrl}/ops/diagnosis`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    verdict: { suspects: unknown[]; healthy: string[] };
    window: {
      requests: number;
      queryCalls: number;
      workers: { count: number };
      dbRoundTripMs: number | null;
    };
    line: string;
  };
  assert.ok(body.window.requests > 0, JSON.stringify(body.window));
  assert.ok(body.window.queryCalls > 0);
  assert.equal(body.window.workers.count, 2);
  assert.ok(body.window.dbRoundTripMs !== null && body.window.dbRoundTripMs > 0);
  assert.ok(
    body.verdict.healthy.some((h) => h.startsWith('db.network:')),
    JSON.stringify(body.verdict),
  );
  assert.equal(typeof body.line, 'string');
});

test('a burning latency SLO fires a page to the configured webhook, carrying the current diagnosis', async () => {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !received.some((p) => p.status === 'firing')) await traffic(500);
  const page = received.find((p) =>
    p.alerts.some((a) => a.labels.alertname === 'BulwarkLatencyBurnRatePage'),
  );
  assert.ok(page, `payloads: ${JSON.stringify(received).slice(0, 500)}`);
  const alert = page.alerts.find((a) => a.labels.alertname === 'BulwarkLatencyBurnRatePage');
  assert.equal(alert?.labels.severity, 'page');
  assert.equal(alert?.annotations.runbook_url, 'docs/runbooks/BulwarkLatencyBurnRatePage.md');
  assert.ok((alert?.annotations.diagnosis ?? '').length > 0);
  assert.ok(
    !received.some((p) => p.alerts.some((a) => a.labels.alertname?.startsWith('BulwarkAvailability'))),
  );
  const active = (await (await fetch(`${stack.opsUrl}/ops/alerts/active`)).json()) as {
    alerts: { labels: { alertname: string }; state: string }[];
  };
  assert.ok(
    active.alerts.some((a) => a.labels.alertname === 'BulwarkLatencyBurnRatePage' && a.state === 'firing'),
  );
});

test('POST /ops/alerts takes an Alertmanager webhook only with the ops token, and rejects bad bodies with 422', async () => {
  const token = readFileSync(join(stack.dataDir, 'ops-token'), 'utf8').trim();
  const body = {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'bulwark',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighErrorRate' },
        annotations: {},
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: 'abc',
      },
    ],
  };
  const post = (b: unknown, auth?: string) =>
    fetch(`${stack.opsUrl}/ops/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify(b),
    });
  const anonymous = await post(body);
  assert.equal(anonymous.status, 401);
  const wrong = await post(body, 'not-the-token');
  assert.equal(wrong.status, 401);
  const ok = await post(body, token);
  assert.equal(ok.status, 202);
  assert.deepEqual(await ok.json(), { accepted: 1 });
  const bad = await post({ ...body, alerts: [] }, token);
  assert.equal(bad.status, 422);
  assert.deepEqual(((await bad.json()) as { errors: { body: string[] } }).errors.body, [
    'alerts: Expected array length to be greater or equal to 1',
  ]);
});

test('`bulwark diagnose` prints the verdict from the ops server', () => {
  const port = new URL(stack.opsUrl).port;
  const r = spawnSync(process.execPath, ['bin/bulwark.js', 'diagnose', '--ops.port', port], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^diagnosis at \d{4}-/);
  assert.match(r.stdout, /healthy:\n/);
  assert.match(r.stdout, /✓ db\.network: SELECT 1 round trip/);
  const j = spawnSync(process.execPath, ['bin/bulwark.js', 'diagnose', '--json', '--ops.port', port], {
    encoding: 'utf8',
  });
  assert.equal(j.status, 0);
  assert.ok(Array.isArray((JSON.parse(j.stdout) as { verdict: { suspects: unknown[] } }).verdict.suspects));
});

test('`bulwark diagnose` says clearly when no stack answers', () => {
  const r = spawnSync(process.execPath, ['bin/bulwark.js', 'diagnose', '--ops.port', '1'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot reach the ops server at http:\/\/127\.0\.0\.1:1\/ops\/diagnosis/);
});
