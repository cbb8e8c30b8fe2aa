import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import { createClusterMetrics, createSupervisorMetrics } from '../telemetry/index.js';
import { type OpsPlugin, requireOpsToken, startOpsServer } from './index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function configIn(dataDir: string, token = '') {
  const result = loadConfig({
    env: {},
    flags: { dataDir, 'ops.port': '0', 'ops.token': token, 'log.level': 'silent' },
    file: undefined,
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config;
}

const registry = createClusterMetrics({ own: createSupervisorMetrics({ workers: () => 3 }) });
let changes = 0;
const plugin: OpsPlugin = async (app) => {
  app.get('/ops/thing', async () => ({ changes }));
  app.post('/ops/thing', { preHandler: requireOpsToken }, async () => ({ changes: ++changes }));
  // No preHandler on purpose: the server itself must still demand the token for a write.
  app.delete('/ops/thing', async () => {
    changes = 0;
    return { changes };
  });
};

test('the ops token is generated once into dataDir/ops-token with mode 0600 and reused', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-ops-'));
  dirs.push(dataDir);
  const first = await startOpsServer({ config: configIn(dataDir), log: pino({ level: 'silent' }), registry });
  const token = readFileSync(join(dataDir, 'ops-token'), 'utf8').trim();
  await first.close();
  assert.ok(token.length >= 40);
  assert.equal(statSync(join(dataDir, 'ops-token')).mode & 0o777, 0o600);
  const second = await startOpsServer({
    config: configIn(dataDir),
    log: pino({ level: 'silent' }),
    registry,
  });
  try {
    assert.equal(second.app.opsToken, token);
  } finally {
    await second.close();
  }
});

test('writes need the bearer token, reads from loopback do not, and /metrics serves the registry', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-ops-'));
  dirs.push(dataDir);
  const token = 'a-test-ops-token-of-enough-length';
  const ops = await startOpsServer({
    config: configIn(dataDir, token),
    log: pino({ level: 'silent' }),
    registry,
    plugins: [plugin],
  });
  try {
    const metrics = await fetch(`${ops.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    assert.match(text, /^bulwark_workers 3$/m);
    assert.match(text, /^bulwark_supervisor_process_resident_memory_bytes \d+/m);

    assert.deepEqual(await (await fetch(`${ops.url}/ops/thing`)).json(), { changes: 0 });

    const anonymous = await fetch(`${ops.url}/ops/thing`, { method: 'POST' });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="bulwark-ops"');
    const body = (await anonymous.json()) as { code: string; errors: { authorization: string[] } };
    assert.equal(body.code, 'OPS_ERR_UNAUTHORIZED');
    assert.match(body.errors.authorization[0] ?? '', /Authorization: Bearer <token>/);

    const wrong = await fetch(`${ops.url}/ops/thing`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}x` },
    });
    assert.equal(wrong.status, 401);
    assert.deepEqual(((await wrong.json()) as { errors: unknown }).errors, {
      authorization: ['the ops token is wrong'],
    });
    const unguarded = await fetch(`${ops.url}/ops/thing`, { method: 'DELETE' });
    assert.equal(unguarded.status, 401);
    assert.equal(changes, 0, 'no write went through without the token');

    const right = await fetch(`${ops.url}/ops/thing`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(right.status, 200);
    assert.deepEqual(await right.json(), { changes: 1 });
  } finally {
    await ops.close();
  }
});
