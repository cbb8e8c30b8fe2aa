import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { type OpsEvent, OpsEventBus } from '../telemetry/index.js';
import { createAlertNotifier } from './alert-notifier.js';
import { AlertStateMachine } from './alert-state.js';
import { type WebhookPayload, webhookPayloads, ZERO_TIME } from './webhook-payload.js';
import { createWebhookSender } from './webhook-sender.js';

/** A real HTTP receiver on loopback that answers with the given statuses in turn. */
async function receiver(statuses: number[]) {
  const bodies: unknown[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(raw));
      const status = statuses.shift() ?? 200;
      if (status === 0) return; // never answer: the sender's timeout must end the attempt
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const firingAlert = () => {
  const m = new AlertStateMachine();
  const cond = {
    labels: { alertname: 'BulwarkDbPoolWaitHigh', severity: 'warning', service: 'bulwark' },
    annotations: { summary: 'waiting', runbook_url: 'docs/runbooks/BulwarkDbPoolWaitHigh.md' },
    active: true,
    forMs: 0,
  };
  return m.update(Date.UTC(2026, 0, 1), [cond]);
};

test('a firing alert becomes a version 4 webhook payload with exactly the Alertmanager fields', () => {
  const t = firingAlert();
  const [p] = webhookPayloads(
    t.map((x) => x.alert),
    { receiver: 'ops', externalURL: 'http://127.0.0.1:9090' },
  );
  assert.ok(p);
  assert.deepEqual(Object.keys(p).sort(), [
    'alerts',
    'commonAnnotations',
    'commonLabels',
    'externalURL',
    'groupKey',
    'groupLabels',
    'receiver',
    'status',
    'truncatedAlerts',
    'version',
  ]);
  assert.equal(p.version, '4');
  assert.equal(p.groupKey, '{}:{alertname="BulwarkDbPoolWaitHigh"}');
  assert.equal(p.status, 'firing');
  assert.deepEqual(p.groupLabels, { alertname: 'BulwarkDbPoolWaitHigh' });
  const [a] = p.alerts;
  assert.deepEqual(Object.keys(a ?? {}).sort(), [
    'annotations',
    'endsAt',
    'fingerprint',
    'generatorURL',
    'labels',
    'startsAt',
    'status',
  ]);
  assert.equal(a?.startsAt, '2026-01-01T00:00:00.000Z');
  assert.equal(a?.endsAt, ZERO_TIME);
  assert.equal(a?.generatorURL, 'http://127.0.0.1:9090/ops/alerts');
  assert.match(a?.fingerprint ?? '', /^[0-9a-f]{16}$/);
});

test('a failed delivery is retried with backoff until the receiver takes it', async () => {
  const r = await receiver([503, 500, 200]);
  const waits: number[] = [];
  const logged: unknown[] = [];
  const sender = createWebhookSender({
    urls: [r.url],
    timeoutMs: 2000,
    retries: 3,
    backoffMs: 10,
    sleep: async (ms) => {
      waits.push(ms);
    },
    log: (o) => logged.push(o),
  });
  const payloads = webhookPayloads(
    firingAlert().map((x) => x.alert),
    { receiver: 'ops', externalURL: '' },
  );
  const [outcome] = await sender.deliver(payloads);
  await r.close();
  assert.deepEqual(
    { ok: outcome?.ok, attempts: outcome?.attempts, httpStatus: outcome?.httpStatus },
    { ok: true, attempts: 3, httpStatus: 200 },
  );
  assert.deepEqual(waits, [10, 20]);
  assert.equal(r.bodies.length, 3);
  assert.deepEqual(r.bodies[2], JSON.parse(JSON.stringify(payloads[0])));
  assert.equal(logged.length, 1);
});

test('a 4xx is not retried, and retries stop at the bound when the receiver keeps failing', async () => {
  const r = await receiver([400, 503, 503, 503]);
  const sender = createWebhookSender({ urls: [r.url], timeoutMs: 2000, retries: 2, sleep: async () => {} });
  const payloads = webhookPayloads(
    firingAlert().map((x) => x.alert),
    { receiver: 'ops', externalURL: '' },
  );
  const [refused] = await sender.deliver(payloads);
  assert.deepEqual([refused?.ok, refused?.attempts, refused?.httpStatus], [false, 1, 400]);
  const [failing] = await sender.deliver(payloads);
  assert.deepEqual([failing?.ok, failing?.attempts, failing?.httpStatus], [false, 3, 503]);
  await r.close();
});

test('a receiver that never answers is given up after the timeout, and a closed port fails fast', async () => {
  const r = await receiver([0, 0]);
  const sender = createWebhookSender({ urls: [r.url], timeoutMs: 200, retries: 1, sleep: async () => {} });
  const payloads = webhookPayloads(
    firingAlert().map((x) => x.alert),
    { receiver: 'ops', externalURL: '' },
  );
  const [slow] = await sender.deliver(payloads);
  assert.equal(slow?.ok, false);
  assert.equal(slow?.attempts, 2);
  assert.match(slow?.error ?? '', /timeout|abort/i);
  await r.close();
  const gone = await receiver([]);
  await gone.close(); // nothing ever connected: the port is simply closed now
  const closed = createWebhookSender({ urls: [gone.url], timeoutMs: 500, retries: 0 });
  const [refused] = await closed.deliver(payloads);
  assert.deepEqual([refused?.ok, refused?.attempts], [false, 1]);
  assert.match(refused?.error ?? '', /ECONNREFUSED|fetch failed|connect/i);
});

test('the notifier posts fired and resolved alerts, emits them as ops events and logs them', async () => {
  const r = await receiver([]);
  const bus = new OpsEventBus();
  const events: OpsEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const lines: { msg: string }[] = [];
  const notifier = createAlertNotifier({
    bus,
    sender: createWebhookSender({ urls: [r.url], timeoutMs: 2000, retries: 0 }),
    receiver: 'ops',
    log: (l) => lines.push(l),
  });
  const m = new AlertStateMachine();
  const cond = (active: boolean) => ({
    labels: { alertname: 'BulwarkLatencyBurnRatePage', severity: 'page' },
    annotations: { summary: 'slow', diagnosis: 'db.query: seq scan on articles' },
    active,
    forMs: 1000,
  });
  assert.deepEqual(await notifier.notify(m.update(0, [cond(true)])), []); // pending: no webhook
  const fired = await notifier.notify(m.update(1000, [cond(true)]));
  const resolved = await notifier.notify(m.update(5000, [cond(false)]));
  await r.close();
  assert.deepEqual([fired[0]?.ok, resolved[0]?.ok], [true, true]);
  const bodies = r.bodies as WebhookPayload[];
  assert.deepEqual(
    bodies.map((b) => [b.status, b.alerts[0]?.status, b.alerts[0]?.annotations.diagnosis]),
    [
      ['firing', 'firing', 'db.query: seq scan on articles'],
      ['resolved', 'resolved', 'db.query: seq scan on articles'],
    ],
  );
  assert.equal(bodies[1]?.alerts[0]?.endsAt, new Date(5000).toISOString());
  assert.deepEqual(
    events.map((e) => [e.source, e.kind, e.at]),
    [
      ['alert', 'alert.firing', new Date(1000).toISOString()],
      ['alert', 'alert.resolved', new Date(5000).toISOString()],
    ],
  );
  assert.deepEqual(
    lines.map((l) => l.msg),
    ['alert pending', 'alert firing', 'alert resolved'],
  );
});
