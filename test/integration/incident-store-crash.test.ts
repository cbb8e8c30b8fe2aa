import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { openOpsStore } from '../../src/incident/index.js';
import { tempDir } from '../support/stack.js';

/**
 * A writer like the supervisor's: each line on stdout is the id of a timeline event whose commit
 * has returned, i.e. a write the process acknowledged. Every 10th write also opens an incident
 * and attaches the event in the same transaction.
 */
const WRITER = `
import { openOpsStore } from ${JSON.stringify(resolve('src/incident/index.ts'))};
const store = openOpsStore(process.argv[1]);
let n = 0;
for (;;) {
  n++;
  const at = new Date().toISOString();
  const id = store.transaction(() => {
    let incidentId = null;
    if (n % 10 === 0) {
      incidentId = store.incidents.insert({
        title: 'crash drill ' + n, severity: 'SEV3', status: 'investigating', openedBy: 'operator',
        dedupKey: null, summary: '', commander: null, communications: null, operations: null,
        ownerTeam: null, escalationLevel: 0, escalatedAt: null, startedAt: at, detectedAt: at,
        acknowledgedAt: null, identifiedAt: null, mitigatedAt: null, resolvedAt: null,
        diagnosis: null, impact: null, createdAt: at, updatedAt: at,
      }).id;
    }
    return store.timeline.append(incidentId, {
      at, source: 'operator', kind: 'operator.note', summary: 'write ' + n,
      data: { n, incidentId, padding: 'x'.repeat(200) },
    }, at);
  });
  process.stdout.write(id + ' ' + n + '\\n');
}
`;

test('after kill -9 in the middle of a stream of writes the store is intact and holds every acknowledged write', async () => {
  const dir = tempDir('bulwark-ops-crash-');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged = new Map<number, number>();
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((r) =>
      child.once('exit', (_code, signal) => r(signal)),
    );
    await new Promise<void>((resolveKill, reject) => {
      const timer = setTimeout(() => reject(new Error(`writer too slow; stderr: ${stderr}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const [id, n] = line.split(' ').map(Number) as [number, number];
          acknowledged.set(id, n);
        }
        // Kill at an arbitrary point well into the stream, while writes are still going on.
        if (acknowledged.size >= 500 && !child.killed) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolveKill();
        }
      });
      child.once('exit', () => {
        if (acknowledged.size < 500) reject(new Error(`writer exited early; stderr: ${stderr}`));
      });
    });
    assert.equal(await exited, 'SIGKILL');

    const store = openOpsStore(dir);
    try {
      assert.equal(store.integrityCheck(), 'ok');
      const missing: number[] = [];
      for (const [id, n] of acknowledged) {
        const event = store.timeline.get(id);
        if (!event || event.summary !== `write ${n}` || (event.data as { n: number }).n !== n)
          missing.push(id);
        const incidentId = (event?.data as { incidentId: number | null } | undefined)?.incidentId;
        if (incidentId != null) {
          assert.equal(store.incidents.get(incidentId)?.title, `crash drill ${n}`);
          assert.equal(event?.incidentId, incidentId);
        }
      }
      assert.deepEqual(missing, [], 'acknowledged writes lost after kill -9');
      // The store stays writable after the crash.
      const at = new Date().toISOString();
      const id = store.timeline.append(
        null,
        { at, source: 'operator', kind: 'operator.note', summary: 'after' },
        at,
      );
      assert.equal(store.timeline.get(id)?.summary, 'after');
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store opened twice applies its migrations once and refuses a changed migration', () => {
  const dir = tempDir('bulwark-ops-migrate-');
  try {
    openOpsStore(dir).close();
    const second = openOpsStore(dir);
    assert.deepEqual(second.db.prepare('SELECT version, name FROM ops_migrations').all(), [
      { version: 1, name: '001_ops' },
    ]);
    assert.equal(second.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(second.db.pragma('synchronous', { simple: true }), 2); // FULL
    second.db.prepare("UPDATE ops_migrations SET checksum = 'tampered' WHERE version = 1").run();
    second.close();
    assert.throws(() => openOpsStore(dir), /ops migration 001_ops was changed after it was applied/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
