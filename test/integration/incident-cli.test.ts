import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { type OpsServer, requireOpsToken, startOpsServer } from '../../src/console/index.js';
import {
  ActionService,
  createIncidentService,
  type IncidentService,
  incidentRoutes,
  type OpsStore,
  openOpsStore,
} from '../../src/incident/index.js';
import { createClusterMetrics, createSupervisorMetrics } from '../../src/telemetry/index.js';
import { tempDir, testConfig } from '../support/stack.js';

const run = promisify(execFile);
let dir = '';
let store: OpsStore;
let service: IncidentService;
let server: OpsServer;
let env: NodeJS.ProcessEnv;

before(async () => {
  dir = tempDir('bulwark-incident-cli-');
  // No ops.token: the server generates <dataDir>/ops-token and the CLI must find it there.
  const config = testConfig({ dataDir: dir, 'ops.port': '0' });
  store = openOpsStore(dir);
  service = createIncidentService(config, { store, log: { info() {}, warn() {} } }).service;
  server = await startOpsServer({
    config,
    log: pino({ level: 'silent' }),
    registry: createClusterMetrics({ own: createSupervisorMetrics({ workers: () => 1 }) }),
    plugins: [incidentRoutes({ service, actions: new ActionService(store), requireToken: requireOpsToken })],
  });
  const { BULWARK_OPS_TOKEN: _t, ...rest } = process.env;
  env = { ...rest, BULWARK_DATA_DIR: dir, BULWARK_OPS_PORT: new URL(server.url).port, BULWARK_ACTOR: 'erin' };
});

after(async () => {
  await server?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const bulwark = (...args: string[]) =>
  run(process.execPath, ['bin/bulwark.js', 'incident', ...args], { env });

test('the CLI opens, notes, lists, shows and resolves an incident and exports its postmortem as md and html', async () => {
  assert.match(
    (await bulwark('open', '--title', 'feed slow', '--severity', 'SEV2')).stdout,
    /^opened incident 1\n$/,
  );
  assert.equal((await bulwark('note', '1', 'looking', 'at', 'the', 'pool')).stdout, 'noted on incident 1\n');
  const list = (await bulwark('list', '--status', 'open')).stdout;
  assert.match(list, /\n {3}1 {2}SEV2 {2}investigating .* feed slow\n$/);
  const show = (await bulwark('show', '1')).stdout;
  assert.match(show, /^incident 1: feed slow\n/);
  assert.match(show, /operator {3}looking at the pool/);
  assert.equal(
    service.store.timeline.forIncident(1).find((e) => e.kind === 'operator.note')?.data?.actor,
    'erin',
  );
  assert.match((await bulwark('resolve', '1', '--note', 'pool resized')).stdout, /^resolved incident 1/);
  const md = (await bulwark('postmortem', '1', '--format', 'md')).stdout;
  assert.match(md, /^# Postmortem: feed slow\n/);
  assert.match(md, /## SUMMARY OF THE INCIDENT/);
  const htmlFile = join(dir, 'pm.html');
  await bulwark('postmortem', '1', '--format', 'html', '--out', htmlFile);
  assert.match(readFileSync(htmlFile, 'utf8'), /^<!doctype html>[\s\S]*<h1>Postmortem: feed slow<\/h1>/);
  const edited = join(dir, 'edited.md');
  writeFileSync(edited, '# Postmortem: feed slow\n\nRewritten.\n');
  await bulwark('postmortem', '1', '--edit', edited);
  assert.equal((await bulwark('postmortem', '1')).stdout, '# Postmortem: feed slow\n\nRewritten.\n');
});

test('the CLI imports the seed tasks and lists overdue items; errors come back as the API states them', async () => {
  const imported = (await bulwark('actions', 'import-seed')).stdout;
  assert.match(imported, /^imported 8 of the seed postmortem's tasks \(0 already there\)\n/);
  assert.match(imported, /quarterly {2}platform: Conduct quarterly infrastructure reviews/);
  await bulwark(
    'actions',
    'add',
    '--title',
    'old',
    '--owner',
    'db',
    '--type',
    'detect',
    '--priority',
    'P1',
    '--due',
    '2020-01-01',
  );
  const overdue = (await bulwark('actions', '--overdue')).stdout;
  assert.match(overdue, /due 2020-01-01 OVERDUE {2}- {2}db: old\n$/);
  assert.equal(overdue.trim().split('\n').length, 1);

  await assert.rejects(bulwark('resolve', '1'), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 1);
    assert.match(err.stderr, /409 INCIDENT_ERR_INVALID_TRANSITION: status: the incident is already resolved/);
    return true;
  });
  await assert.rejects(bulwark('show', 'x'), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr, /expected an id/);
    return true;
  });
  await assert.rejects(
    run(process.execPath, ['bin/bulwark.js', 'incident', 'note', '1', 'x'], {
      env: { ...env, BULWARK_OPS_TOKEN: 'wrong' },
    }),
    (err: { code: number; stderr: string }) => {
      assert.match(err.stderr, /401 OPS_ERR_UNAUTHORIZED: authorization: the ops token is wrong/);
      return true;
    },
  );
});
