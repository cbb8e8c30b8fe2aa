import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { BulwarkError } from '../../src/errors/index.js';
import {
  type AlertmanagerPayload,
  createIncidentService,
  type IncidentNotice,
  type IncidentRuntime,
  openOpsStore,
  RequestLedger,
} from '../../src/incident/index.js';
import { type DiagnosisVerdict, OpsEventBus } from '../../src/telemetry/index.js';
import { tempDir, testConfig } from '../support/stack.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const silent = { info() {}, warn() {} };

function firing(
  status: 'firing' | 'resolved' = 'firing',
  groupKey = '{}:{alertname="BulwarkLatencyBurnRatePage"}',
  startsAtMs = T0,
): AlertmanagerPayload {
  return {
    version: '4',
    groupKey,
    status,
    receiver: 'bulwark',
    alerts: [
      {
        status,
        labels: { alertname: 'BulwarkLatencyBurnRatePage', severity: 'page', service: 'bulwark' },
        annotations: {
          summary: 'latency SLO burning 20x',
          runbook_url: 'docs/runbooks/BulwarkLatencyBurnRatePage.md',
        },
        startsAt: new Date(startsAtMs).toISOString(),
        endsAt: status === 'resolved' ? new Date(T0 + 120_000).toISOString() : '0001-01-01T00:00:00Z',
        fingerprint: 'a1b2c3',
      },
    ],
  };
}

const poolVerdict: DiagnosisVerdict = {
  at: new Date(T0 + 30_000).toISOString(),
  suspects: [
    {
      component: 'db.pool',
      target: 'select … from articles where author_id = $1',
      confidence: 0.87,
      summary: '87% of request time is waiting for a database connection',
      evidence: ['pool 10/10 busy, 64 waiting', 'query p50 0.4 → 180 ms at 40 calls/s; Seq Scan on articles'],
      suggestion: 'index articles(author_id, created_at)',
    },
  ],
  healthy: ['moderation API p99 12 ms, normal'],
};

let received: { body: IncidentNotice; url: string }[] = [];
let hookUrl = '';
const hook = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    received.push({ body: JSON.parse(body) as IncidentNotice, url: req.url ?? '' });
    res.writeHead(req.url === '/fail' ? 500 : 204).end();
  });
});

before(async () => {
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
});
after(() => hook.close());

function setup(overrides: Record<string, string> = {}) {
  const dir = tempDir('bulwark-incident-');
  let now = T0 + 60_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const store = openOpsStore(dir);
  const bus = new OpsEventBus();
  const ledger = new RequestLedger({ bucketMs: 1_000, latencyObjectiveMs: 300 });
  const config = testConfig({
    'incident.webhooks': `${hookUrl}/all`,
    'incident.autoResolveMinutes': '5',
    ...overrides,
  });
  const runtime: IncidentRuntime = createIncidentService(
    { ...config, incident: { ...config.incident, teamWebhooks: { database: `${hookUrl}/database` } } },
    { store, log: silent, bus, impact: ledger, now: clock.now },
  );
  received = [];
  return {
    ...runtime,
    store,
    bus,
    ledger,
    clock,
    close(): void {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a flapping alert opens one incident; repeats add nothing and re-firing attaches to it', async () => {
  const s = setup();
  try {
    const first = s.service.onAlert(firing());
    assert.equal(first.ok, true);
    const id = first.ok ? (first.alerts[0]?.incidentId as number) : 0;
    assert.deepEqual(first.ok && first.alerts.map((a) => a.action), ['opened']);
    const repeat = s.service.onAlert(firing());
    assert.deepEqual(repeat.ok && repeat.alerts.map((a) => [a.action, a.incidentId]), [['repeat', id]]);

    s.clock.advance(60_000);
    s.service.onAlert(firing('resolved'));
    assert.equal(s.service.get(id).status, 'monitoring');
    s.clock.advance(60_000);
    const again = s.service.onAlert(firing());
    assert.deepEqual(again.ok && again.alerts.map((a) => [a.action, a.incidentId]), [['refired', id]]);
    assert.equal(s.service.get(id).status, 'investigating');
    // The same alert in another group still belongs to the open incident.
    const otherGroup = s.service.onAlert(firing('firing', '{}:{service="bulwark"}'));
    assert.deepEqual(otherGroup.ok && otherGroup.alerts.map((a) => [a.action, a.incidentId]), [
      ['repeat', id],
    ]);

    assert.equal(s.service.list().length, 1);
    const [alert] = s.store.alerts.forIncident(id);
    assert.equal(alert?.fireCount, 2);
    assert.equal(alert?.status, 'firing');
    const kinds = s.store.timeline.forIncident(id).map((e) => e.kind);
    assert.deepEqual(kinds, [
      'alert.firing',
      'incident.opened',
      'incident.escalated',
      'alert.resolved',
      'incident.status',
      'alert.refired',
      'incident.status',
    ]);
    assert.equal(s.service.get(id).severity, 'SEV2');
  } finally {
    s.close();
  }
});

test('after resolution the same alert firing again opens a new incident', () => {
  const s = setup();
  try {
    const r = s.service.onAlert(firing());
    const id = r.ok ? (r.alerts[0]?.incidentId as number) : 0;
    s.service.resolve(id, 'alice', 'fixed');
    const again = s.service.onAlert(firing());
    assert.equal(again.ok && again.alerts[0]?.action, 'opened');
    assert.notEqual(again.ok && again.alerts[0]?.incidentId, id);
  } finally {
    s.close();
  }
});

test('bad alert payloads are refused with every problem named', () => {
  const s = setup();
  try {
    const r = s.service.onAlert({ version: '3', alerts: [] });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.problems.some((p) => p.startsWith('/version')));
    assert.ok(!r.ok && r.problems.some((p) => p.startsWith('/groupKey')));
    assert.equal(s.service.list().length, 0);
  } finally {
    s.close();
  }
});

test('a database suspect pages the database team at once, on the timeline and by webhook', async () => {
  const s = setup();
  try {
    s.service.subscribe(s.bus);
    const r = s.service.onAlert(firing());
    const id = r.ok ? (r.alerts[0]?.incidentId as number) : 0;
    assert.equal(s.service.get(id).ownerTeam, 'application');
    s.bus.emit({
      at: poolVerdict.at,
      source: 'diagnosis',
      kind: 'diagnosis.changed',
      summary: 'db.pool',
      data: { ...poolVerdict },
    });
    // The same verdict again changes nothing on the timeline.
    s.bus.emit({
      at: poolVerdict.at,
      source: 'diagnosis',
      kind: 'diagnosis.changed',
      summary: 'db.pool',
      data: { ...poolVerdict },
    });
    const incident = s.service.get(id);
    assert.equal(incident.ownerTeam, 'database');
    assert.equal(incident.diagnosis?.suspects[0]?.component, 'db.pool');
    const timeline = s.store.timeline.forIncident(id);
    assert.equal(timeline.filter((e) => e.source === 'diagnosis').length, 1);
    const paged = timeline.find((e) => e.kind === 'incident.paged');
    assert.match(paged?.summary ?? '', /^paged database: diagnosis names db\.pool/);
    await s.notifier.idle();
    const toDatabase = received.filter((x) => x.url === '/database');
    assert.deepEqual(
      toDatabase.map((x) => [x.body.event, x.body.team, x.body.incident.id]),
      [['incident.paged', 'database', id]],
    );
    const deliveries = s.store.deliveries.forIncident(id);
    assert.ok(deliveries.some((d) => d.target === 'database' && d.ok && d.statusCode === 204));
    assert.ok(
      deliveries.every((d) => d.url.endsWith('/…')),
      'webhook paths are not stored',
    );
  } finally {
    s.close();
  }
});

test('a suspect that firms up joins the timeline again, so the postmortem has the evidence of the full fault', () => {
  const s = setup();
  try {
    s.service.subscribe(s.bus);
    const r = s.service.onAlert(firing());
    const id = r.ok ? (r.alerts[0]?.incidentId as number) : 0;
    const pool = poolVerdict.suspects[0];
    assert.ok(pool);
    // The onset: the suspect named weakly, before the pool saturated (no page: not confident yet).
    const weak: DiagnosisVerdict = {
      ...poolVerdict,
      suspects: [{ ...pool, confidence: 0.2, evidence: ['query p50 0.4 → 3 ms at 40 calls/s'] }],
    };
    s.bus.emit({
      at: weak.at,
      source: 'diagnosis',
      kind: 'diagnosis.changed',
      summary: 'weak',
      data: { ...weak },
    });
    assert.equal(s.service.get(id).ownerTeam, 'application');
    s.bus.emit({
      at: poolVerdict.at,
      source: 'diagnosis',
      kind: 'diagnosis.firmer',
      summary: 'firm',
      data: { ...poolVerdict },
    });
    const timeline = s.store.timeline.forIncident(id);
    assert.deepEqual(
      timeline.filter((e) => e.source === 'diagnosis').map((e) => e.kind),
      ['diagnosis.changed', 'diagnosis.firmer'],
    );
    assert.equal(s.service.get(id).ownerTeam, 'database', 'the firmer sighting pages its team');
    s.clock.advance(60_000);
    const pm = s.service.postmortem(s.service.resolve(id, 'dana', 'fixed').id).markdown;
    assert.match(pm, /\*\*db\.pool\*\* `select … from articles where author_id = \$1` \(confidence 87%\)/);
    assert.match(pm, /pool 10\/10 busy, 64 waiting/);
  } finally {
    s.close();
  }
});

test('an unacknowledged incident escalates level by level; taking command stops it', () => {
  const s = setup();
  try {
    const opened = s.service.open({ title: 'checkout slow', severity: 'SEV3' }, 'bob');
    assert.equal(opened.escalationLevel, 1);
    s.clock.advance(16 * 60_000);
    s.service.tick();
    assert.equal(s.service.get(opened.id).escalationLevel, 2);
    s.service.assignRole(opened.id, 'commander', 'carol', 'carol');
    s.clock.advance(30 * 60_000);
    s.service.tick();
    const after = s.service.get(opened.id);
    assert.equal(after.escalationLevel, 2);
    assert.equal(after.commander, 'carol');
    assert.equal(after.acknowledgedAt, new Date(T0 + 60_000 + 16 * 60_000).toISOString());
    const escalations = s.store.timeline
      .forIncident(opened.id)
      .filter((e) => e.kind === 'incident.escalated');
    assert.deepEqual(
      escalations.map((e) => e.summary),
      [
        'escalation level 1: paged application',
        'escalation level 2: paged application (not acknowledged in time)',
      ],
    );
  } finally {
    s.close();
  }
});

test('invalid status changes are refused with a 409 code and a reason', () => {
  const s = setup();
  try {
    const i = s.service.open({ title: 'x', severity: 'SEV4' }, 'bob');
    s.service.transition(i.id, 'identified', 'bob');
    assert.throws(
      () => s.service.transition(i.id, 'identified', 'bob'),
      (e: unknown) => e instanceof BulwarkError && e.status === 409 && /already identified/.test(e.message),
    );
    s.service.resolve(i.id, 'bob');
    assert.throws(
      () => s.service.transition(i.id, 'investigating', 'bob'),
      (e: unknown) => e instanceof BulwarkError && e.code === 'INCIDENT_ERR_INVALID_TRANSITION',
    );
    assert.throws(
      () => s.service.get(999),
      (e: unknown) => e instanceof BulwarkError && e.status === 404,
    );
  } finally {
    s.close();
  }
});

test('an incident takes its onset from a fault injected before the alert, and resolution measures impact and drafts the postmortem', () => {
  const s = setup();
  try {
    s.service.subscribe(s.bus);
    // A fault 40 s before the incident opens, while no incident is open: kept unattached, adopted later.
    s.bus.emit({
      at: new Date(T0 + 20_000).toISOString(),
      source: 'chaos',
      kind: 'chaos.fault-injected',
      summary: 'dropped index articles_author_created_idx',
    });
    for (let u = 0; u < 10; u++) {
      s.ledger.record({
        atMs: T0 + 30_000 + u,
        user: `u${u}`,
        status: u < 3 ? 503 : 200,
        durationMs: u === 3 ? 900 : 20,
      });
    }
    s.bus.emit({
      at: poolVerdict.at,
      source: 'diagnosis',
      kind: 'diagnosis.changed',
      summary: 'pool',
      data: { verdict: poolVerdict },
    });
    const r = s.service.onAlert(firing('firing', 'g7', T0 + 50_000));
    const id = r.ok ? (r.alerts[0]?.incidentId as number) : 0;
    const opened = s.service.get(id);
    assert.equal(opened.startedAt, new Date(T0 + 20_000).toISOString());
    assert.equal(opened.ownerTeam, 'database', 'the diagnosis before opening picks the owner');
    s.clock.advance(60_000);
    s.service.acknowledge(id, 'dana');
    s.service.note(id, 'restored index articles_author_created_idx', 'dana');
    s.service.transition(id, 'monitoring', 'dana', 'index restored');
    s.clock.advance(60_000);
    const resolved = s.service.resolve(id, 'dana', 'latency normal for 1 min');
    assert.deepEqual(
      { ...resolved.impact },
      {
        from: new Date(T0 + 20_000).toISOString(),
        // The last impaired second, not the declared mitigation a minute later.
        to: new Date(T0 + 31_000).toISOString(),
        durationMs: 11_000,
        requests: 10,
        requestsFailed: 3,
        requestsSlow: 1,
        activeUsers: 10,
        affectedUsers: 4,
        affectedShare: 0.4,
      },
    );
    const detail = s.service.detail(id);
    assert.deepEqual(detail.timings, {
      timeToDetectMs: 40_000,
      timeToAcknowledgeMs: 60_000,
      timeToRecoverMs: 11_000,
      timeToResolveMs: 120_000,
    });
    assert.deepEqual(detail.runbooks, [
      { alert: 'BulwarkLatencyBurnRatePage', path: 'docs/runbooks/BulwarkLatencyBurnRatePage.md' },
    ]);
    const pm = s.service.postmortem(id).markdown;
    for (const heading of [
      '## SUMMARY OF THE INCIDENT',
      '## Root Cause',
      '## Timeline (UTC, 2026-03-02)',
      '## Root Cause and Resolution',
      '## Corrective and Preventative Measures',
      '## Tasks',
      '## What went well',
      '## What went wrong',
      '## Where we got lucky',
    ]) {
      assert.ok(pm.includes(`\n${heading}\n`), `missing ${heading}`);
    }
    assert.match(
      pm,
      /\*\*Duration:\*\* The incident lasted 11 s, from 10:00:20 to 10:00:31 \(UTC, 2026-03-02\); it was resolved at 10:03:00/,
    );
    assert.match(pm, /\*\*Impact:\*\* 4 of 10 active users \(40\.0%\)/);
    assert.match(pm, /\*\*Trigger:\*\* dropped index articles_author_created_idx \(chaos, 10:00:20\)/);
    assert.match(pm, /\*\*db\.pool\*\* `select … from articles where author_id = \$1` \(confidence 87%\)/);
    assert.match(pm, /Seq Scan on articles/);
    assert.match(pm, /\| time to detect \(MTTD\) \| 40 s \|/);
    assert.match(pm, /- moderation API p99 12 ms, normal/);
    assert.match(pm, /- \*\*db\.pool:\*\* index articles\(author_id, created_at\)/);
  } finally {
    s.close();
  }
});

test('an alert-opened incident resolves by itself after its alerts stay resolved long enough', () => {
  const s = setup();
  try {
    const r = s.service.onAlert(firing());
    const id = r.ok ? (r.alerts[0]?.incidentId as number) : 0;
    s.service.onAlert(firing('resolved'));
    s.clock.advance(4 * 60_000);
    s.service.tick();
    assert.equal(s.service.get(id).status, 'monitoring');
    s.clock.advance(61_000);
    s.service.tick();
    assert.equal(s.service.get(id).status, 'resolved');
    assert.ok(
      s.service
        .postmortem(id)
        .markdown.startsWith('# Postmortem: BulwarkLatencyBurnRatePage: latency SLO burning 20x'),
    );
  } finally {
    s.close();
  }
});

test("the monitor's one-event-per-alert ops events open and resolve incidents like a payload", () => {
  const s = setup();
  try {
    s.service.subscribe(s.bus);
    const alert = firing().alerts[0];
    const data = {
      origin: 'bulwark',
      alertname: 'BulwarkLatencyBurnRatePage',
      fingerprint: 'a1b2c3',
      labels: alert?.labels,
      annotations: alert?.annotations,
      startsAt: alert?.startsAt,
      endsAt: alert?.endsAt,
      receiver: 'bulwark',
      groupKey: 'g',
    };
    s.bus.emit({ at: alert?.startsAt as string, source: 'alert', kind: 'alert.firing', summary: 'x', data });
    s.bus.emit({ at: alert?.startsAt as string, source: 'alert', kind: 'alert.firing', summary: 'x', data });
    const [incident] = s.service.list();
    assert.equal(s.service.list().length, 1);
    s.bus.emit({
      at: alert?.startsAt as string,
      source: 'alert',
      kind: 'alert.resolved',
      summary: 'x',
      data: { ...data, endsAt: new Date(T0 + 1000).toISOString() },
    });
    assert.equal(s.service.get(incident?.id as number).status, 'monitoring');
  } finally {
    s.close();
  }
});

test('an alert of another group firing soon after joins the open incident; after the grouping window it opens its own', () => {
  const s = setup();
  try {
    const first = s.service.onAlert(firing());
    const id = first.ok ? (first.alerts[0]?.incidentId as number) : 0;
    const pool = (fp: string): AlertmanagerPayload => ({
      version: '4',
      groupKey: `{}:{alertname="BulwarkDbPoolWaitHigh",fp="${fp}"}`,
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'BulwarkDbPoolWaitHigh', severity: 'warning', fp },
          startsAt: new Date(T0).toISOString(),
          fingerprint: fp,
        },
      ],
    });
    s.clock.advance(60_000);
    const joined = s.service.onAlert(pool('p1'));
    assert.deepEqual(joined.ok && joined.alerts.map((a) => [a.action, a.incidentId]), [['attached', id]]);
    s.clock.advance(5 * 60_000);
    const separate = s.service.onAlert(pool('p2'));
    assert.equal(separate.ok && separate.alerts[0]?.action, 'opened');
    assert.notEqual(separate.ok && separate.alerts[0]?.incidentId, id);
    assert.deepEqual(
      s.store.alerts.forIncident(id).map((a) => a.alertname),
      ['BulwarkLatencyBurnRatePage', 'BulwarkDbPoolWaitHigh'],
    );
  } finally {
    s.close();
  }
});

test('a slow ticket alert does not hold a paged incident open once the page has resolved', () => {
  const s = setup();
  try {
    const r = s.service.onAlert(firing());
    const id = r.ok ? (r.alerts[0]?.incidentId as number) : 0;
    const ticket: AlertmanagerPayload = {
      version: '4',
      groupKey: '{}:{alertname="BulwarkLatencyBurnRateTicket"}',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'BulwarkLatencyBurnRateTicket', severity: 'ticket' },
          startsAt: new Date(T0).toISOString(),
          fingerprint: 't1',
        },
      ],
    };
    s.service.onAlert(ticket);
    s.clock.advance(60_000);
    s.service.onAlert(firing('resolved'));
    assert.equal(s.service.get(id).status, 'monitoring');
    s.clock.advance(5 * 60_000 + 1);
    s.service.tick();
    assert.equal(s.service.get(id).status, 'resolved');
    assert.equal(s.store.alerts.forIncident(id).find((a) => a.fingerprint === 't1')?.status, 'firing');
  } finally {
    s.close();
  }
});
