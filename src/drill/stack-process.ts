// Runs `bulwark start` as its own process tree (supervisor, HTTP workers, PostgreSQL) on free
// loopback ports, for one side of a drill, and stops it again whatever happens.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface StackProcess {
  origin: string;
  pid: number;
  /** True when this start created the database (and so loaded the demo dataset). */
  seeded: boolean;
  startMs: number;
  stderr(): string;
  stop(): Promise<void>;
}

export interface StackStart {
  profile: 'pre-incident' | 'hardened';
  dataDir: string;
  /** More `bulwark start` options. */
  args?: string[];
  readyTimeoutMs?: number;
  onWait?: (seconds: number) => void;
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function startStack(o: StackStart): Promise<StackProcess> {
  const dataDir = resolve(o.dataDir);
  const seeded = !existsSync(join(dataDir, 'pg', 'PG_VERSION'));
  const port = await freePort();
  const dbPort = await freePort();
  const args = [
    join(REPO, 'bin/bulwark.js'),
    'start',
    '--profile',
    o.profile,
    '--dataDir',
    dataDir,
    '--http.port',
    String(port),
    '--database.embeddedPort',
    String(dbPort),
    '--log.level',
    'warn',
    ...(o.args ?? []),
  ];
  const t0 = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errText = '';
  const up = new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () =>
        fail(new Error(`the ${o.profile} stack was not up within ${(o.readyTimeoutMs ?? 300_000) / 1000} s`)),
      o.readyTimeoutMs ?? 300_000,
    );
    child.stderr?.on('data', (c: Buffer) => {
      errText = (errText + c.toString()).slice(-20_000);
      if (errText.includes('Bulwark is up')) {
        clearTimeout(timer);
        done();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(
        new Error(`the ${o.profile} stack exited (code ${code}, signal ${signal}): ${errText.slice(-2000)}`),
      );
    });
  });
  const ticker = setInterval(() => o.onWait?.(Math.round((Date.now() - t0) / 1000)), 15_000);
  try {
    await up;
  } catch (err) {
    await stopChild(child, 30_000);
    throw err;
  } finally {
    clearInterval(ticker);
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    seeded,
    startMs: Date.now() - t0,
    stderr: () => errText,
    // the supervisor drains its workers (10 s grace) and stops PostgreSQL; SIGKILL only if it hangs
    stop: () => stopChild(child, 45_000),
  };
}
