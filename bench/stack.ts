import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JsonChild, wrap } from './child-process.js';
import { sampleTree } from './proc-cpu.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** A port that was free a moment ago on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface BenchStack {
  proc: JsonChild;
  pid: number;
  /** `http://127.0.0.1:<port>` (paths start with /api). */
  origin: string;
  /** The ops server, `http://127.0.0.1:<port>` (`/metrics`, `/ops/…`). */
  opsOrigin: string;
  /** True when this start created the database, and so loaded the demo dataset. */
  seeded: boolean;
  startMs: number;
  /** The data directory (absolute) and the embedded PostgreSQL's port. */
  dataDir: string;
  databasePort: number;
  stop(): Promise<void>;
}

export interface StackOptions {
  dataDir: string;
  workers?: number;
  readyTimeoutMs: number;
  /** More `bulwark start` options, e.g. `['--profile', 'pre-incident']`. */
  args?: string[];
  /** More environment variables for the stack. */
  env?: NodeJS.ProcessEnv;
  /** 'ignore' sends the stack's stdout (its JSON log) to /dev/null instead of this process. */
  stdout?: 'pipe' | 'ignore';
  /**
   * Node options for the supervisor, which its workers inherit, e.g. `['--cpu-prof', ...]` (Node
   * refuses `--cpu-prof` in NODE_OPTIONS).
   */
  nodeArgs?: string[];
}

/**
 * Starts `bulwark start` as its own process tree (supervisor, HTTP workers, PostgreSQL) on free ports
 * with the bench's data directory, and resolves when it says it is up. The dataset is seeded only on
 * the first start with that directory; later runs reuse it.
 */
export async function startStack(
  options: StackOptions,
  /** Called at once with a stop function, so a caller can stop a stack that is still starting. */
  onSpawn?: (stop: () => Promise<void>) => void,
): Promise<BenchStack> {
  const dataDir = resolve(REPO, options.dataDir);
  // The supervisor seeds when the database is empty; with log level warn it does not say so, but a
  // database that did not exist before this start is necessarily empty.
  const seeded = !existsSync(join(dataDir, 'pg', 'PG_VERSION'));
  const port = await freePort();
  const databasePort = await freePort();
  const opsPort = await freePort();
  const args = [
    ...(options.nodeArgs ?? []),
    join(REPO, 'bin/bulwark.js'),
    'start',
    '--dataDir',
    dataDir,
    '--http.port',
    String(port),
    '--database.embeddedPort',
    String(databasePort),
    '--log.level',
    'warn',
    // Not the default 9464: two stacks (or a stack and a developer's) must not meet on the ops port.
    '--ops.port',
    String(opsPort),
  ];
  if (options.workers !== undefined) args.push('--workers', String(options.workers));
  if (options.args) args.push(...options.args);
  const t0 = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  });
  const proc = wrap(child);
  const stop = () => stopStackTree(proc);
  onSpawn?.(stop);
  const up = new Promise<void>((resolveUp, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the stack was not up within ${options.readyTimeoutMs} ms`)),
      options.readyTimeoutMs,
    );
    const check = () => {
      if (proc.stderr().includes('Bulwark is up')) {
        clearTimeout(timer);
        child.stderr?.off('data', check);
        resolveUp();
      }
    };
    child.stderr?.on('data', check);
    void proc.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited (code ${code}, signal ${signal}): ${proc.stderr().slice(-3000)}`));
    });
  });
  // a first start seeds for a minute or more and says nothing at log level warn: show it is alive
  const ticker = setInterval(() => {
    const last = proc.stderr().trim().split('\n').pop()?.slice(0, 200);
    const said = last ? `; its last words on stderr: ${last}` : '';
    process.stderr.write(`  …still starting (${Math.round((Date.now() - t0) / 1000)} s${said})\n`);
  }, 15_000);
  try {
    await up;
  } finally {
    clearInterval(ticker);
  }
  return {
    proc,
    pid: child.pid ?? -1,
    origin: `http://127.0.0.1:${port}`,
    opsOrigin: `http://127.0.0.1:${opsPort}`,
    seeded,
    startMs: Date.now() - t0,
    dataDir,
    databasePort,
    stop,
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM to the supervisor, which drains its workers (grace 10 s) and stops PostgreSQL. A supervisor
 * stopped before it is up may not, so whatever it had started and left running (the PostgreSQL
 * postmaster, workers) is then stopped by pid: SIGINT is PostgreSQL's fast shutdown.
 */
async function stopStackTree(proc: JsonChild): Promise<void> {
  const root = proc.child.pid;
  const children =
    root === undefined
      ? []
      : [...sampleTree(root)].filter(([, p]) => p.ppid === root).map(([pid, p]) => ({ pid, p }));
  await proc.stop(30_000);
  const left = children.filter(({ pid }) => isAlive(pid));
  if (left.length === 0) return;
  const names = left.map(({ pid, p }) => `${p.comm} ${pid}`).join(', ');
  process.stderr.write(`  the supervisor exited but left running: ${names}; stopping them\n`);
  for (const { pid, p } of left) process.kill(pid, p.comm.startsWith('postgres') ? 'SIGINT' : 'SIGTERM');
  for (let i = 0; i < 100 && left.some(({ pid }) => isAlive(pid)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
}
