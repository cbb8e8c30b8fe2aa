import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BatchedLogDestination } from './batched-log-destination.js';

const options = { lingerMs: 2, batchChars: 16_384 };
const lines = (n: number, tag = 'line') => Array.from({ length: n }, (_, i) => `{"${tag}":${i}}\n`);

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function withFile(fn: (path: string, fd: number) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-log-'));
    const path = join(dir, 'out.log');
    const fd = openSync(path, 'a');
    try {
      await fn(path, fd);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'every line reaches the file once and in order, a burst included',
  withFile(async (path, fd) => {
    const destination = new BatchedLogDestination(fd, options);
    const expected = lines(5_000);
    for (const line of expected) destination.write(line);
    await until(() => readFileSync(path, 'utf8').length === expected.join('').length);
    assert.equal(readFileSync(path, 'utf8'), expected.join(''));
  }),
);

test(
  "a quiet destination's line is written at once, not after a linger",
  withFile(async (path, fd) => {
    const destination = new BatchedLogDestination(fd, { lingerMs: 60_000, batchChars: 16_384 });
    destination.write('{"first":true}\n');
    await until(() => readFileSync(path, 'utf8') === '{"first":true}\n');
  }),
);

test(
  'lines waiting for a batch are written by flushSync before it returns',
  withFile(async (path, fd) => {
    const destination = new BatchedLogDestination(fd, { lingerMs: 60_000, batchChars: 1 << 30 });
    destination.write('{"first":true}\n');
    await until(() => readFileSync(path, 'utf8') === '{"first":true}\n');
    // The first write started a minute-long linger: these wait for it.
    for (const line of lines(3)) destination.write(line);
    assert.equal(readFileSync(path, 'utf8'), '{"first":true}\n');
    destination.flushSync();
    assert.equal(readFileSync(path, 'utf8'), `{"first":true}\n${lines(3).join('')}`);
  }),
);

test(
  'a batch past batchChars goes out without waiting for the linger',
  withFile(async (path, fd) => {
    const destination = new BatchedLogDestination(fd, { lingerMs: 60_000, batchChars: 64 });
    destination.write('{"first":true}\n');
    await until(() => readFileSync(path, 'utf8') === '{"first":true}\n');
    // One line past batchChars: whether the first write is still in flight or lingering, it goes
    // out as soon as that write is done, not a minute later.
    const big = `{"big":"${'x'.repeat(100)}"}\n`;
    destination.write(big);
    await until(() => readFileSync(path, 'utf8') === `{"first":true}\n${big}`);
  }),
);

test('a process that crashes with an uncaught exception loses none of its lines', async () => {
  const module = fileURLToPath(new URL('./batched-log-destination.ts', import.meta.url));
  // Each line is logged while the previous write may still be in flight, then the process throws.
  const script = `
    import { BatchedLogDestination } from ${JSON.stringify(module)};
    const d = new BatchedLogDestination(1, { lingerMs: 60000, batchChars: 1 << 30 });
    for (let i = 0; i < 1000; i++) d.write('{"n":' + i + '}\\n');
    setTimeout(() => { for (let i = 1000; i < 2000; i++) d.write('{"n":' + i + '}\\n'); throw new Error('crash'); }, 20);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const code = await new Promise((r) => child.once('close', r));
  assert.equal(code, 1);
  const seen = out
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { n: number }).n);
  assert.deepEqual(
    seen.sort((a, b) => a - b),
    Array.from({ length: 2000 }, (_, i) => i),
  );
});

test('a reader that falls behind a non-blocking pipe gets every line once it reads again', async () => {
  // The child reads nothing for 300 ms, so its stdin pipe fills and the writes meet EAGAIN.
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => process.stdin.pipe(process.stdout), 300)'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
  const destination = new BatchedLogDestination(fd, options);
  const expected = lines(20_000, 'x').join('');
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  for (const line of lines(20_000, 'x')) destination.write(line);
  await until(() => out.length >= expected.length, 10_000);
  child.kill();
  assert.equal(out, expected);
});
