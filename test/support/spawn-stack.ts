import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, tempDir } from './stack.js';

/** A log line of the supervisor or a worker (pino JSON). */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface SpawnedStack {
  child: ChildProcess;
  baseUrl: string;
  /** The ops server's base URL (`/metrics`, ops plugins). */
  opsUrl: string;
  dataDir: string;
  /** The embedded database's URL (superuser), for tests that reach behind the API. */
  databaseUrl: string;
  logs: LogLine[];
  stderr: () => string;
  /** Resolves with the first log line that matches, or rejects after `timeoutMs`. */
  waitFor(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Small demo data so a test stack starts in seconds while still exercising the first-start seed. */
export const SMALL_SEED = [
  '--seed.users',
  '40',
  '--seed.articles',
  '200',
  '--seed.follows',
  '100',
  '--seed.favorites',
  '300',
  '--seed.comments',
  '200',
  '--seed.tags',
  '20',
];

/** Runs `bulwark start` as a real process tree (supervisor, workers, PostgreSQL) on free ports. */
export async function spawnStack(
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<SpawnedStack> {
  const dataDir = tempDir('bulwark-stack-');
  const port = await freePort();
  const dbPort = await freePort();
  const opsPort = await freePort();
  const args = [
    'bin/bulwark.js',
    'start',
    '--dataDir',
    dataDir,
    '--http.port',
    String(port),
    '--database.embeddedPort',
    String(dbPort),
    '--ops.port',
    String(opsPort),
    '--workers',
    '2',
    ...SMALL_SEED,
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters: { predicate: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let buffer = '';
  let errText = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const raw = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      let line: LogLine;
      try {
        line = JSON.parse(raw) as LogLine;
      } catch {
        continue;
      }
      logs.push(line);
      for (const w of [...waiters]) {
        if (w.predicate(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    errText += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (predicate: (line: LogLine) => boolean, timeoutMs = 60_000) => {
    const seen = logs.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${errText.slice(-2000)}`)),
        timeoutMs,
      );
      waiters.push({
        predicate,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the stack exited; stderr: ${errText.slice(-2000)}`));
      });
    });
  };
  const given = (flag: string) => {
    const i = extraArgs.lastIndexOf(flag);
    return i >= 0 ? extraArgs[i + 1] : undefined;
  };
  const finalDataDir = given('--dataDir') ?? dataDir;
  const finalDbPort = given('--database.embeddedPort') ?? String(dbPort);
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    opsUrl: `http://127.0.0.1:${given('--ops.port') ?? opsPort}`,
    dataDir,
    get databaseUrl() {
      const password = readFileSync(join(finalDataDir, 'pg.password'), 'utf8').trim();
      return `postgres://bulwark:${encodeURIComponent(password)}@127.0.0.1:${finalDbPort}/conduit`;
    },
    logs,
    stderr: () => errText,
    waitFor,
    exited,
  };
}

/** Pids of every live process whose parent is `pid`, recursively (from /proc). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      visit(c);
    }
  };
  visit(pid);
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
