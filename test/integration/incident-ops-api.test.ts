import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { type OpsServer, requireOpsToken, startOpsServer } from '../../src/console/index.js';
import {
  ActionService,
  type AlertmanagerPayload,
  createIncidentService,
  type IncidentService,
  incidentRoutes,
  type OpsStore,
  openOpsStore,
} from '../../src/incident/index.js';
import { createClusterMetrics, createSupervisorMetrics } from '../../src/telemetry/index.js';
import { startTestDatabase, tempDir, testConfig } from '../support/stack.js';

const TOKEN = 'test-ops-token-0123456789abcdef0123456789';
const auth = { authorization: `Bearer ${TOKEN}`, 'x-bulwark-actor': 'dana' };
let dir = '';
let store: OpsStore;
let service: IncidentService;
let server: OpsServer;
let now = Date.parse('2026-04-01T09:00:00Z');

before(async () => {
  // The application database is started and stopped first: everything below runs while it is down.
  const db = await startTestDatabase();
  await db.stop();
  dir = tempDir('bulwark-ops-api-');
  const config = testConfig({ dataDir: dir, 'ops.port': '0', 'ops.token': TOKEN, 'database.url': db.url });
  store = openOpsStore(dir);
  service = createIncidentService(config, { store, log: { info() {}, warn() {} }, now: () => now }).service;
  const actions = new ActionService(store, () => now);
  server = await startOpsServer({
    config,
    log: pino({ level: 'silent' }),
    registry: createClusterMetrics({ own: createSupervisorMetrics({ workers: () => 1 }) }),
    plugins: [incidentRoutes({ service, actions, requireToken: requireOpsToken })],
  });
});

after(async () => {
  await server?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const alert = (status: 'firing' | 'resolved'): AlertmanagerPayload => ({
  version: '4',
  groupKey: '{}:{alertname="BulwarkDbPoolWaitHigh"}',
  status,
  alerts: [
    {
      status,
      labels: { alertname: 'BulwarkDbPoolWaitHigh', severity: 'warning' },
      annotations: { summary: 'pool wait p95 above 100 ms' },
      startsAt: '2026-04-01T08:59:30Z',
      fingerprint: 'f00d',
    },
  ],
});

test('with the application database down, an alert opens an incident that the API lists, notes, resolves and writes up', async () => {
  const intake = service.onAlert(alert('firing'));
  assert.equal(intake.ok, true);
  const list = await server.app.inject({ method: 'GET', url: '/ops/incidents?status=open' });
  assert.equal(list.statusCode, 200);
  const [incident] = list.json().incidents;
  assert.equal(incident.title, 'BulwarkDbPoolWaitHigh: pool wait p95 above 100 ms');
  assert.equal(incident.severity, 'SEV3');
  assert.equal(incident.status, 'investigating');

  const note = await server.app.inject({
    method: 'POST',
    url: `/ops/incidents/${incident.id}/notes`,
    headers: auth,
    payload: { text: 'restored the author index' },
  });
  assert.equal(note.statusCode, 201);
  assert.equal(note.json().event.summary, 'restored the author index');
  assert.deepEqual(note.json().event.data, { actor: 'dana' });

  now += 60_000;
  const status = await server.app.inject({
    method: 'POST',
    url: `/ops/incidents/${incident.id}/status`,
    headers: auth,
    payload: { status: 'monitoring', note: 'index back' },
  });
  assert.equal(status.statusCode, 200);
  assert.equal(status.json().incident.mitigatedAt, '2026-04-01T09:01:00.000Z');

  now += 60_000;
  const resolved = await server.app.inject({
    method: 'POST',
    url: `/ops/incidents/${incident.id}/resolve`,
    headers: auth,
    payload: { note: 'quiet' },
  });
  assert.equal(resolved.statusCode, 200);
  assert.equal(resolved.json().incident.status, 'resolved');

  const detail = (await server.app.inject({ method: 'GET', url: `/ops/incidents/${incident.id}` })).json();
  assert.equal(detail.postmortem, true);
  assert.deepEqual(detail.runbooks, [
    { alert: 'BulwarkDbPoolWaitHigh', path: 'docs/runbooks/BulwarkDbPoolWaitHigh.md' },
  ]);
  assert.deepEqual(
    detail.timeline.map((e: { kind: string }) => e.kind),
    [
      'alert.firing',
      'incident.opened',
      'incident.escalated',
      'operator.note',
      'incident.status',
      'incident.resolved',
    ],
  );

  const md = await server.app.inject({ method: 'GET', url: `/ops/incidents/${incident.id}/postmortem` });
  assert.equal(md.statusCode, 200);
  assert.match(md.headers['content-type'] as string, /^text\/markdown/);
  assert.match(md.body, /^# Postmortem: BulwarkDbPoolWaitHigh/);
  const html = await server.app.inject({
    method: 'GET',
    url: `/ops/incidents/${incident.id}/postmortem?format=html`,
  });
  assert.match(html.headers['content-type'] as string, /^text\/html/);
  assert.match(html.body, /<h2>SUMMARY OF THE INCIDENT<\/h2>/);

  const edited = await server.app.inject({
    method: 'PUT',
    url: `/ops/incidents/${incident.id}/postmortem`,
    headers: { ...auth, 'content-type': 'text/markdown' },
    payload: '# Postmortem\n\nEdited by hand.\n',
  });
  assert.equal(edited.statusCode, 200);
  assert.equal(edited.json().markdown, '# Postmortem\n\nEdited by hand.\n');
  assert.match(edited.json().draft, /^# Postmortem: BulwarkDbPoolWaitHigh/);
  const after = await server.app.inject({ method: 'GET', url: `/ops/incidents/${incident.id}/postmortem` });
  assert.equal(after.body, '# Postmortem\n\nEdited by hand.\n');

  const stats = (await server.app.inject({ method: 'GET', url: '/ops/incidents/stats' })).json();
  assert.deepEqual(stats, {
    incidents: 1,
    timeToDetectMs: 30_000,
    timeToAcknowledgeMs: null,
    timeToRecoverMs: 90_000,
    timeToResolveMs: 120_000,
  });
});

test('no write goes through without the ops token, and nothing is stored', async () => {
  const before = store.incidents.list().length;
  const eventsBefore = store.timeline.count();
  const attempts = [
    { method: 'POST' as const, url: '/ops/incidents', payload: { title: 'x', severity: 'SEV4' } },
    { method: 'POST' as const, url: '/ops/incidents/1/notes', payload: { text: 'x' } },
    { method: 'POST' as const, url: '/ops/incidents/1/resolve', payload: {} },
    { method: 'PUT' as const, url: '/ops/incidents/1/postmortem', payload: { markdown: 'x' } },
    { method: 'POST' as const, url: '/ops/actions/import-seed' },
    { method: 'PATCH' as const, url: '/ops/actions/1', payload: { status: 'done' } },
  ];
  for (const a of attempts) {
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }]) {
      const res = await server.app.inject({ ...a, headers });
      assert.equal(res.statusCode, 401, `${a.method} ${a.url} ${JSON.stringify(headers)}`);
      assert.equal(res.json().code, 'OPS_ERR_UNAUTHORIZED');
    }
  }
  assert.equal(store.incidents.list().length, before);
  assert.equal(store.timeline.count(), eventsBefore);
  assert.equal(store.actions.list().length, 0);
});

test('bad input gets a 4xx that names the problem, never a 500', async () => {
  const cases: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH';
    url: string;
    payload?: unknown;
    type?: string;
    status: number;
    match: RegExp;
  }[] = [
    {
      method: 'POST',
      url: '/ops/incidents',
      payload: { title: 'ok', severity: 'SEV9' },
      status: 422,
      match: /"severity":\["must be one of SEV1, SEV2, SEV3, SEV4"\]/,
    },
    {
      method: 'POST',
      url: '/ops/incidents',
      payload: { title: '', severity: 'SEV2' },
      status: 422,
      match: /"title":\["can't be blank"\]/,
    },
    {
      method: 'POST',
      url: '/ops/incidents',
      payload: '{"title": ',
      type: 'application/json',
      status: 400,
      match: /HTTP_ERR_MALFORMED_JSON/,
    },
    { method: 'GET', url: '/ops/incidents/abc', status: 422, match: /"id":/ },
    {
      method: 'GET',
      url: '/ops/incidents/999',
      status: 404,
      match: /INCIDENT_ERR_NOT_FOUND.*|no incident 999/,
    },
    { method: 'GET', url: '/ops/incidents?status=closed', status: 422, match: /must be one of/ },
    {
      method: 'POST',
      url: '/ops/incidents/1/status',
      payload: { status: 'investigating' },
      status: 409,
      match: /the incident is resolved; a new problem opens a new incident/,
    },
    {
      method: 'POST',
      url: '/ops/incidents/1/status',
      payload: { status: 'done' },
      status: 422,
      match: /must be one of investigating, identified, monitoring, resolved/,
    },
    {
      method: 'PUT',
      url: '/ops/incidents/1/roles/king',
      payload: { person: 'x' },
      status: 422,
      match: /role/,
    },
    {
      method: 'PUT',
      url: '/ops/incidents/1/postmortem',
      payload: { markdown: '   ' },
      status: 422,
      match: /cannot be blank/,
    },
    {
      method: 'POST',
      url: '/ops/actions',
      payload: { title: 't', owner: 'o', type: 'fix', priority: 'P1' },
      status: 422,
      match: /must be one of prevent, mitigate, detect, process/,
    },
    {
      method: 'POST',
      url: '/ops/actions',
      payload: { title: 't', owner: 'o', type: 'detect', priority: 'P1', dueDate: '2026-02-30' },
      status: 422,
      match: /YYYY-MM-DD/,
    },
    {
      method: 'POST',
      url: '/ops/actions',
      payload: { title: 't', owner: 'o', type: 'detect', priority: 'P1', incidentId: 77 },
      status: 404,
      match: /no incident 77/,
    },
    { method: 'PATCH', url: '/ops/actions/5', payload: {}, status: 422, match: /HTTP_ERR_VALIDATION/ },
    {
      method: 'GET',
      url: '/ops/incidents/1/postmortem?format=pdf',
      status: 422,
      match: /must be one of md, html, json/,
    },
  ];
  for (const c of cases) {
    const res = await server.app.inject({
      method: c.method,
      url: c.url,
      headers: { ...auth, ...(c.type ? { 'content-type': c.type } : {}) },
      ...(c.payload !== undefined ? { payload: c.payload as string } : {}),
    });
    assert.equal(res.statusCode, c.status, `${c.method} ${c.url}: ${res.body}`);
    assert.match(res.body, c.match, `${c.method} ${c.url}`);
    assert.doesNotMatch(res.body, /at .*\.ts:\d+/, 'no stack trace');
  }
  const noPm = service.open({ title: 'no pm yet', severity: 'SEV4' }, 'dana');
  const res = await server.app.inject({ method: 'GET', url: `/ops/incidents/${noPm.id}/postmortem` });
  assert.equal(res.statusCode, 404);
  assert.match(res.json().errors.postmortem[0], /drafted when the incident is resolved/);
});

test('action items: the seed tasks import once, overdue items are flagged, a done recurring item schedules the next', async () => {
  const first = await server.app.inject({ method: 'POST', url: '/ops/actions/import-seed', headers: auth });
  assert.equal(first.statusCode, 200);
  assert.equal(first.json().imported.length, 8);
  assert.equal(first.json().skipped, 0);
  const again = await server.app.inject({ method: 'POST', url: '/ops/actions/import-seed', headers: auth });
  assert.deepEqual([again.json().imported.length, again.json().skipped], [0, 8]);

  const review = first.json().imported.find((a: { origin: string }) => a.origin === 'seed:1');
  assert.equal(
    review.title,
    'Conduct quarterly infrastructure reviews to identify performance bottlenecks and optimization opportunities.',
  );
  assert.equal(review.recurrence, 'quarterly');
  assert.equal(review.type, 'prevent');
  assert.equal(review.dueDate, '2026-05-01');

  const created = await server.app.inject({
    method: 'POST',
    url: '/ops/actions',
    headers: auth,
    payload: {
      title: 'alert on pool wait',
      owner: 'platform',
      type: 'detect',
      priority: 'P1',
      dueDate: '2026-03-31',
      incidentId: 1,
    },
  });
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().action.overdue, true);
  const overdue = (await server.app.inject({ method: 'GET', url: '/ops/actions?overdue=true' })).json()
    .actions;
  assert.deepEqual(
    overdue.map((a: { title: string }) => a.title),
    ['alert on pool wait'],
  );

  const done = await server.app.inject({
    method: 'PATCH',
    url: `/ops/actions/${review.id}`,
    headers: auth,
    payload: { status: 'done' },
  });
  assert.equal(done.statusCode, 200);
  assert.equal(done.json().action.status, 'done');
  assert.equal(done.json().action.completedAt, new Date(now).toISOString());
  assert.equal(done.json().next.dueDate, '2026-08-01');
  assert.equal(done.json().next.status, 'open');
  assert.equal(store.actions.list().length, 10);
});

test('deploy and chaos tools record events on the open incidents through the API, with the token', async () => {
  const open = service.open({ title: 'events', severity: 'SEV4' }, 'dana');
  const res = await server.app.inject({
    method: 'POST',
    url: '/ops/incidents/events',
    headers: auth,
    payload: {
      source: 'deploy',
      kind: 'deploy.finished',
      summary: 'deployed v1.2.3',
      at: '2026-04-01T09:05:00Z',
      data: { version: '1.2.3' },
    },
  });
  assert.equal(res.statusCode, 202);
  const event = store.timeline.forIncident(open.id).find((e) => e.kind === 'deploy.finished');
  assert.deepEqual(
    event && { at: event.at, source: event.source, summary: event.summary, data: event.data },
    {
      at: '2026-04-01T09:05:00.000Z',
      source: 'deploy',
      summary: 'deployed v1.2.3',
      data: { version: '1.2.3' },
    },
  );
  const forged = await server.app.inject({
    method: 'POST',
    url: '/ops/incidents/events',
    headers: auth,
    payload: { source: 'alert', kind: 'alert.firing', summary: 'x' },
  });
  assert.equal(forged.statusCode, 422);
  assert.match(forged.body, /must be one of chaos, deploy, config, operator, autoscaler, failover/);
  const anonymous = await server.app.inject({
    method: 'POST',
    url: '/ops/incidents/events',
    payload: { source: 'deploy', kind: 'deploy.finished', summary: 'x' },
  });
  assert.equal(anonymous.statusCode, 401);
});
