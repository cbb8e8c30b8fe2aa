import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import { openOpsStore } from '../../src/incident/index.js';
import { type SpawnedStack, spawnStack } from '../support/spawn-stack.js';

const stacks: SpawnedStack[] = [];
after(() => {
  for (const s of stacks) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  if (stacks[0]) rmSync(stacks[0].dataDir, { recursive: true, force: true });
});

test('kill -9 of the supervisor in the middle of incident writes: the store is intact and keeps every acknowledged note', async () => {
  const first = await spawnStack();
  stacks.push(first);
  await first.waitFor((l) => l.msg === 'bulwark is up');
  const token = readFileSync(join(first.dataDir, 'ops-token'), 'utf8').trim();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const opened = await request(`${first.opsUrl}/ops/incidents`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ title: 'crash drill', severity: 'SEV4' }),
  });
  assert.equal(opened.statusCode, 201);
  const incidentId = ((await opened.body.json()) as { incident: { id: number } }).incident.id;

  // Eight writers post notes as fast as the ops API takes them; a 201 with the event's id is an
  // acknowledged write. The supervisor is killed while they are still writing.
  const acknowledged = new Map<number, string>();
  const agent = new Agent({ connections: 8 });
  let writing = true;
  const writer = async (w: number) => {
    for (let n = 0; writing; n++) {
      const text = `writer ${w} note ${n}`;
      try {
        const res = await request(`${first.opsUrl}/ops/incidents/${incidentId}/notes`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ text }),
          dispatcher: agent,
        });
        const body = (await res.body.json()) as { event?: { id: number } };
        if (res.statusCode === 201 && body.event) acknowledged.set(body.event.id, text);
      } catch {
        return; // the server is gone
      }
    }
  };
  const writers = Array.from({ length: 8 }, (_, w) => writer(w));
  while (acknowledged.size < 400) await new Promise((r) => setTimeout(r, 10));
  first.child.kill('SIGKILL');
  await first.exited;
  writing = false;
  await Promise.all(writers);
  await agent.close();

  const store = openOpsStore(first.dataDir);
  try {
    assert.equal(store.integrityCheck(), 'ok');
    const lost = [...acknowledged].filter(([id, text]) => store.timeline.get(id)?.summary !== text);
    assert.deepEqual(lost, [], `acknowledged notes lost after kill -9 (${acknowledged.size} acknowledged)`);
  } finally {
    store.close();
  }

  // The next start on the same data directory serves the incident with every acknowledged note.
  const second = await spawnStack(['--dataDir', first.dataDir]);
  stacks.push(second);
  await second.waitFor((l) => l.msg === 'bulwark is up');
  const detail = (await (await fetch(`${second.opsUrl}/ops/incidents/${incidentId}`)).json()) as {
    timeline: { id: number; summary: string }[];
  };
  const shown = new Set(detail.timeline.map((e) => e.id));
  assert.deepEqual(
    [...acknowledged.keys()].filter((id) => !shown.has(id)),
    [],
  );
  second.child.kill('SIGINT');
  assert.deepEqual(await second.exited, { code: 0, signal: null });
});
