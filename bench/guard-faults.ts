// The Faults benchmark's tools: restart the stack's embedded PostgreSQL under load, check that no
// stack process died, and read the recovery off the driver's timeline.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TimelineBucket } from './guard-protocol.js';
import { sampleTree } from './proc-cpu.js';
import { isAlive } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The postmaster's pid, from `<dataDir>/pg/postmaster.pid`. */
export function postmasterPid(dataDir: string): number {
  const file = join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) throw new Error(`no ${file}: is the stack's embedded PostgreSQL running?`);
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) throw new Error(`${file} names no live process`);
  return pid;
}

/** The superuser URL of the stack's embedded PostgreSQL (the password is kept beside the cluster). */
export function databaseUrl(dataDir: string, port: number): string {
  const password = readFileSync(join(dataDir, 'pg.password'), 'utf8').trim();
  return `postgres://bulwark:${encodeURIComponent(password)}@127.0.0.1:${port}/conduit`;
}

/** The node processes of the stack (supervisor and workers): pid → name. */
export function stackNodeProcesses(stackPid: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const [pid, p] of sampleTree(stackPid)) if (!p.comm.startsWith('postgres')) out.set(pid, p.comm);
  return out;
}

interface Launch {
  bin: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  uid: number;
  gid: number;
}

function readLaunch(pid: number): Launch {
  const [bin, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((s) => s !== '');
  if (!bin) throw new Error(`cannot read the command line of ${pid}`);
  const env: NodeJS.ProcessEnv = {};
  for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const id = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { bin, args, env, cwd: readlinkSync(`/proc/${pid}/cwd`), uid: id('Uid'), gid: id('Gid') };
}

async function waitAccepting(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL not back within ${timeoutMs} ms: ${String(err)}`);
      await sleep(20);
    }
  }
}

export interface Restart {
  oldPid: number;
  newPid: number;
  /** Epoch ms: the fast-shutdown signal was sent; the old postmaster had exited; it accepted again. */
  killAt: number;
  downAt: number;
  backAt: number;
  /** The restarted postmaster is this process's child: stop it after the stack (SIGINT, wait). */
  stop(): Promise<void>;
}

/**
 * Restarts the postmaster the way an operator's restart looks to the service: a fast shutdown
 * (SIGINT: open transactions rolled back, every connection closed), down for `downMs`, then the same
 * binary with the same arguments, environment, directory and user (postgres when the bench runs as
 * root). `backAt` is when a fresh connection first ran `SELECT 1`.
 */
export async function restartPostgres(dataDir: string, url: string, downMs: number): Promise<Restart> {
  const oldPid = postmasterPid(dataDir);
  const launch = readLaunch(oldPid);
  const killAt = Date.now();
  process.kill(oldPid, 'SIGINT');
  for (let i = 0; i < 600 && isAlive(oldPid); i++) await sleep(10);
  if (isAlive(oldPid)) throw new Error(`the postmaster ${oldPid} did not stop within 6 s`);
  const downAt = Date.now();
  await sleep(downMs);
  const child: ChildProcess = spawn(launch.bin, launch.args, {
    cwd: launch.cwd,
    env: launch.env,
    uid: launch.uid,
    gid: launch.gid,
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitAccepting(url, 60_000);
  const backAt = Date.now();
  const newPid = child.pid ?? -1;
  return {
    oldPid,
    newPid,
    killAt,
    downAt,
    backAt,
    async stop() {
      if (!isAlive(newPid)) return;
      process.kill(newPid, 'SIGINT');
      const timer = setTimeout(() => isAlive(newPid) && process.kill(newPid, 'SIGQUIT'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface Recovery {
  /** ms from the database accepting again to the first 2xx of any request / of a write. */
  firstOkMs: number | null;
  firstWriteOkMs: number | null;
  /** ms from the database back to the point after which every 1 s window has < 1% errors. */
  recoveredMs: number | null;
  /** Non-2xx answers from the kill until recovery (or the end), by status key. */
  outageByStatus: Record<string, number>;
  outageRequests: number;
  /** Non-2xx answers, and all answers, before the kill: the baseline error rate of the load. */
  beforeErrors: number;
  beforeTotal: number;
}

const errorsOf = (b: TimelineBucket) =>
  Object.entries(b.counts).reduce((a, [k, v]) => (k === '2xx' ? a : a + v), 0);
const totalOf = (b: TimelineBucket) => Object.values(b.counts).reduce((a, v) => a + v, 0);

/** Reads the recovery off a timeline of `bucketMs` buckets (completion time, epoch ms). */
export function analyzeRecovery(
  timeline: TimelineBucket[],
  bucketMs: number,
  restart: Restart,
  windowEnd: number,
): Recovery {
  const { killAt, backAt } = restart;
  const after = timeline.filter((b) => b.t + bucketMs > backAt);
  const firstOk = after.find((b) => (b.counts['2xx'] ?? 0) > 0);
  const firstWriteOk = after.find((b) => (b.byTag['write:2xx'] ?? 0) > 0);
  const rel = (b: TimelineBucket | undefined) => (b ? Math.max(0, b.t - backAt) : null);
  // the earliest T >= backAt such that every 1 s window starting at or after T has < 1% errors
  const byT = new Map(timeline.map((b) => [b.t, b]));
  const start = Math.floor(backAt / bucketMs) * bucketMs;
  const lastStart = windowEnd - 1000;
  const windowBad = (t: number) => {
    let errors = 0;
    let total = 0;
    for (let u = t; u < t + 1000; u += bucketMs) {
      const b = byT.get(u);
      if (b) {
        errors += errorsOf(b);
        total += totalOf(b);
      }
    }
    return total === 0 || errors / total >= 0.01;
  };
  let recoveredAt: number | null = null;
  for (let t = lastStart - (lastStart % bucketMs); t >= start; t -= bucketMs) {
    if (windowBad(t)) break;
    recoveredAt = t;
  }
  const recoveredMs = recoveredAt === null ? null : Math.max(0, recoveredAt - backAt);
  const outageEnd = recoveredAt ?? windowEnd;
  const outageByStatus: Record<string, number> = {};
  let outageRequests = 0;
  let beforeErrors = 0;
  let beforeTotal = 0;
  for (const b of timeline) {
    if (b.t + bucketMs <= killAt) {
      beforeErrors += errorsOf(b);
      beforeTotal += totalOf(b);
      continue;
    }
    if (b.t >= outageEnd) continue;
    outageRequests += totalOf(b);
    for (const [k, v] of Object.entries(b.counts)) {
      if (k !== '2xx') outageByStatus[k] = (outageByStatus[k] ?? 0) + v;
    }
  }
  return {
    firstOkMs: rel(firstOk),
    firstWriteOkMs: rel(firstWriteOk),
    recoveredMs,
    outageByStatus,
    outageRequests,
    beforeErrors,
    beforeTotal,
  };
}
