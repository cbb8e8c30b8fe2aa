import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { startModerationProcess } from '../../src/moderation/index.js';

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function moderate(url: string): Promise<unknown> {
  const res = await fetch(`${url}/v1/moderate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'a harmless comment' }),
  });
  return { status: res.status, body: await res.json() };
}

test('the moderation service runs in its own process, is replaced on the same port when it dies, and stops with close', async () => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  const moderation = await startModerationProcess(
    { host: '127.0.0.1', port: 0, opsToken: 'a-test-token' },
    log,
  );
  try {
    const first = moderation.pid;
    assert.ok(alive(first) && first !== process.pid, 'a child process of its own');
    assert.deepEqual(await moderate(moderation.url), {
      status: 200,
      body: { decision: 'accept', reasons: [] },
    });
    // Its fault endpoint keeps the ops token: anonymous writes are refused.
    const anonymous = await fetch(`${moderation.url}/v1/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delayMs: 50 }),
    });
    assert.equal(anonymous.status, 401);
    // A group signal is the supervisor's to act on: the child ignores it.
    process.kill(first as number, 'SIGTERM');
    await sleep(200);
    assert.equal(moderation.pid, first);
    assert.ok(alive(first));

    process.kill(first as number, 'SIGKILL');
    let answer: unknown;
    for (let i = 0; i < 60 && moderation.pid === first; i++) await sleep(100);
    for (let i = 0; i < 60 && answer === undefined; i++) {
      answer = await moderate(moderation.url).catch(() => undefined);
      if (answer === undefined) await sleep(100);
    }
    assert.notEqual(moderation.pid, first, 'a new process');
    assert.deepEqual(answer, { status: 200, body: { decision: 'accept', reasons: [] } }, 'on the same URL');
    assert.ok(lines.some((l) => l.includes('the moderation service exited; restarting it')));
  } finally {
    const last = moderation.pid;
    await moderation.close();
    assert.equal(alive(last), false, 'close leaves no process behind');
  }
});
