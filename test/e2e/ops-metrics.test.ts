import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callApi } from '../support/api-client.js';
import { parseExposition } from '../support/exposition.js';
import { type SpawnedStack, spawnStack } from '../support/spawn-stack.js';

let stack: SpawnedStack;

before(async () => {
  stack = await spawnStack(['--database.poolMax', '3']);
  await stack.waitFor((l) => l.msg === 'bulwark is up');
});

after(async () => {
  stack?.child.kill('SIGTERM');
  await stack?.exited;
});

test('the ops port serves both workers metrics summed, plus the supervisor own', {
  timeout: 60_000,
}, async () => {
  const n = 40;
  for (let i = 0; i < n; i++) assert.equal((await callApi(stack.baseUrl, 'GET', '/tags')).status, 200);
  const res = await fetch(`${stack.opsUrl}/metrics`);
  assert.equal(res.status, 200);
  const e = parseExposition(await res.text());
  assert.equal(e.value('bulwark_workers'), 2);
  // Two workers with three connections each.
  assert.equal(e.value('db_client_connection_max'), 6);
  assert.equal(
    e.value('http_server_request_duration_seconds_count', {
      http_route: '/api/tags',
      http_request_method: 'GET',
      http_response_status_code: '200',
    }),
    n,
  );
  assert.ok((e.value('bulwark_supervisor_process_resident_memory_bytes') ?? 0) > 0);
  assert.ok((e.value('process_resident_memory_bytes') ?? 0) > 0);
  const elu = e.value('nodejs_eventloop_utilization_ratio') ?? -1;
  assert.ok(elu >= 0 && elu <= 1, `utilisation ${elu} is a ratio (averaged, not summed)`);

  const lines = stack.logs.filter((l) => l.msg === 'request' && l.route === '/api/tags');
  assert.equal(lines.length, n, 'one log line per request');
  assert.equal(lines[0]?.status, 200);
  assert.equal(typeof lines[0]?.reqId, 'string');
  assert.equal(typeof lines[0]?.ownMs, 'number');
});

test('the ops port refuses an anonymous write with 401', async () => {
  const res = await fetch(`${stack.opsUrl}/metrics`, { method: 'POST' });
  assert.equal(res.status, 401);
  assert.equal(((await res.json()) as { code: string }).code, 'OPS_ERR_UNAUTHORIZED');
});
