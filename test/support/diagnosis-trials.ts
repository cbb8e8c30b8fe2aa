import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { demoUser } from '../../src/data/index.js';
import { type LatencyProxy, startLatencyProxy } from './latency-proxy.js';
import { type LoadOptions, type LoadRequest, type LoadStats, startLoad } from './load-loop.js';
import { type SpawnedStack, spawnStack } from './spawn-stack.js';
import { freePort, startTestDatabase, type TestDatabase } from './stack.js';

export const TRIAL_SHAPES = [
  'missing-index',
  'db-latency',
  'dependency-slow',
  'worker-cpu',
  'lock-contention',
  'pool-too-small',
] as const;
export type TrialShape = (typeof TRIAL_SHAPES)[number];

interface Suspect {
  component: string;
  target?: string;
  confidence: number;
  summary: string;
}
interface Verdict {
  suspects: Suspect[];
  healthy: string[];
}
interface MonitorState {
  verdict: Verdict;
  baseline: { workers: unknown; dbRoundTripMs: number | null; queryMs: number; queryCalls: number } | null;
  window: {
    requests: number;
    workers: unknown;
    pool: unknown;
    queryMs: number;
    queryCalls: number;
    poolWaitMs: number;
    requestMs: number;
  };
}

/** A running stack prepared for one shape, reused by its repetitions. */
export interface TrialEnv {
  stack: SpawnedStack;
  /** Superuser URL of the database, behind the proxy's back. */
  adminUrl: string;
  proxy?: LatencyProxy;
  tokens: string[];
  authors: string[];
  hotSlug: string;
  slugCount: number;
  opsToken: string;
  moderationUrl: string;
  close(): Promise<void>;
}

type Mix = Omit<LoadOptions, 'baseUrl' | 'maxDurationMs'>;

interface Fault {
  inject(): Promise<void>;
  recover(): Promise<void>;
  /** Replaces the baseline load while the fault lasts (the spike of the pool trial). */
  load?: Mix;
}

interface TrialDef {
  expected: string;
  /** Components that must be reported healthy in the same verdict. */
  healthy: string[];
  args: string[];
  external?: boolean;
  env?: NodeJS.ProcessEnv;
  baseline(env: TrialEnv): Mix;
  fault(env: TrialEnv): Fault;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

/** Reads that always reach the database: deep pages and author listings are never cached. */
const dbReads = (env: TrialEnv) => (): LoadRequest => {
  const r = Math.random();
  if (r < 0.5) return { method: 'GET', path: `/api/articles?author=${pick(env.authors)}&limit=5&offset=1` };
  if (r < 0.8)
    return {
      method: 'GET',
      path: `/api/articles?limit=10&offset=${10 + Math.floor(Math.random() * 50) * 10}`,
    };
  if (r < 0.9) return { method: 'GET', path: '/api/tags' };
  return { method: 'GET', path: '/api/articles?limit=10' };
};

const BURNER = pathToFileURL(fileURLToPath(new URL('./cpu-burner.mjs', import.meta.url))).href;

function workerPids(stack: SpawnedStack): number[] {
  const out = execFileSync('pgrep', ['-P', String(stack.child.pid), '-f', 'bulwark.js'], {
    encoding: 'utf8',
  });
  return out.split('\n').filter(Boolean).map(Number);
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export const TRIALS: Record<TrialShape, TrialDef> = {
  'missing-index': {
    expected: 'db.query',
    healthy: ['db.network', 'db.lock', 'worker.cpu'],
    args: [
      '--seed.users',
      '3000',
      '--seed.articles',
      '80000',
      '--seed.favorites',
      '2000',
      '--seed.comments',
      '2000',
    ],
    baseline: (env) => ({ concurrency: 6, perUserRate: 15, next: dbReads(env) }),
    fault: (env) => ({
      inject: () =>
        admin(env.adminUrl, (c) => c.query('DROP INDEX articles_author_created_idx')).then(() => {}),
      recover: () =>
        admin(env.adminUrl, (c) =>
          c.query(
            'CREATE INDEX articles_author_created_idx ON articles (author_id, created_at DESC, id DESC)',
          ),
        ).then(() => {}),
    }),
  },
  'db-latency': {
    expected: 'db.network',
    healthy: ['db.lock', 'worker.cpu', 'db.query'],
    args: [],
    external: true,
    baseline: (env) => ({ concurrency: 4, perUserRate: 15, next: dbReads(env) }),
    fault: (env) => ({
      inject: async () => env.proxy?.setLatency(10),
      recover: async () => env.proxy?.setLatency(0),
    }),
  },
  'dependency-slow': {
    expected: 'dependency',
    healthy: ['db.network', 'db.lock', 'db.pool', 'worker.cpu'],
    args: [],
    baseline: (env) => {
      const reads = dbReads(env);
      return {
        concurrency: 6,
        perUserRate: 10,
        next: () =>
          Math.random() < 0.3
            ? {
                method: 'POST',
                path: `/api/articles/${env.hotSlug}/comments`,
                token: pick(env.tokens),
                body: { comment: { body: 'a fair point, well made' } },
              }
            : reads(),
      };
    },
    fault: (env) => {
      const set = async (delayMs: number) => {
        const res = await fetch(`${env.moderationUrl}/v1/faults`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${env.opsToken}` },
          body: JSON.stringify({ delayMs }),
        });
        if (res.status !== 200) throw new Error(`PUT /v1/faults answered ${res.status}: ${await res.text()}`);
      };
      // slower than normal by two orders of magnitude, still under the client's 300 ms timeout
      return { inject: () => set(200), recover: () => set(0) };
    },
  },
  'worker-cpu': {
    expected: 'worker.cpu',
    healthy: ['db.network', 'db.lock'],
    args: [],
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${BURNER}`.trim() },
    baseline: (env) => ({ concurrency: 4, perUserRate: 15, next: dbReads(env) }),
    fault: (env) => {
      const toggle = async () => {
        for (const pid of workerPids(env.stack)) process.kill(pid, 'SIGUSR2');
      };
      return { inject: toggle, recover: toggle };
    },
  },
  'lock-contention': {
    expected: 'db.lock',
    healthy: ['db.network', 'worker.cpu'],
    args: [],
    baseline: (env) => {
      const favorited = new Map<string, boolean>();
      const reads = dbReads(env);
      return {
        concurrency: 6,
        perUserRate: 15,
        next: () => {
          if (Math.random() < 0.6) return reads();
          const token = pick(env.tokens);
          const on = favorited.get(token) ?? false;
          favorited.set(token, !on);
          return { method: on ? 'DELETE' : 'POST', path: `/api/articles/${env.hotSlug}/favorite`, token };
        },
      };
    },
    fault: (env) => {
      let holder: pg.Client | undefined;
      return {
        inject: async () => {
          holder = new pg.Client(env.adminUrl);
          await holder.connect();
          await holder.query('BEGIN');
          await holder.query('SELECT id FROM articles WHERE slug = $1 FOR UPDATE', [env.hotSlug]);
        },
        recover: async () => {
          await holder?.query('ROLLBACK');
          await holder?.end();
          holder = undefined;
        },
      };
    },
  },
  'pool-too-small': {
    expected: 'db.pool',
    healthy: ['db.network', 'db.lock', 'db.query'],
    args: ['--database.poolMax', '2'],
    baseline: (env) => ({ concurrency: 2, perUserRate: 10, next: dbReads(env) }),
    fault: (env) => ({
      inject: async () => {},
      recover: async () => {},
      load: { concurrency: 48, next: dbReads(env) },
    }),
  },
};

/** Starts the stack a shape needs (its own seed, flags, database path) and logs in some users. */
export async function openTrialEnv(shape: TrialShape): Promise<TrialEnv> {
  const def = TRIALS[shape];
  let external: TestDatabase | undefined;
  let proxy: LatencyProxy | undefined;
  const env: NodeJS.ProcessEnv = { ...def.env };
  if (def.external) {
    external = await startTestDatabase();
    const u = new URL(external.url);
    proxy = await startLatencyProxy({ host: u.hostname, port: Number(u.port) });
    u.hostname = proxy.host;
    u.port = String(proxy.port);
    env.DATABASE_URL = u.toString();
  }
  const moderationPort = await freePort();
  const stack = await spawnStack(
    [
      '--moderation.port',
      String(moderationPort),
      '--log.level',
      'warn',
      '--slo.evaluateIntervalMs',
      '1000',
      '--seed.users',
      '200',
      '--seed.articles',
      '3000',
      ...def.args,
    ],
    env,
  );
  const close = async () => {
    stack.child.kill('SIGTERM');
    await stack.exited;
    await proxy?.close();
    await external?.stop();
  };
  try {
    await waitReady(stack);
    const adminUrl = external ? external.url : stack.databaseUrl;
    const authors = await admin(adminUrl, async (c) => {
      const { rows } = await c.query<{ username: string }>(
        'SELECT username FROM users WHERE articles_count BETWEEN 2 AND 8 ORDER BY id LIMIT 50',
      );
      return rows.map((r) => r.username);
    });
    const hotSlug = await admin(adminUrl, async (c) => {
      const { rows } = await c.query<{ slug: string }>('SELECT slug FROM articles ORDER BY id LIMIT 1');
      return rows[0]?.slug ?? '';
    });
    const tokens: string[] = [];
    for (let i = 1; i <= 12; i++) {
      const res = await fetch(`${stack.baseUrl}/api/users/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: { email: demoUser(i).email, password: 'conduit-demo' } }),
      });
      const body = (await res.json()) as { user?: { token: string } };
      if (body.user) tokens.push(body.user.token);
    }
    if (authors.length === 0 || tokens.length === 0)
      throw new Error('the trial dataset has no authors or users');
    return {
      stack,
      adminUrl,
      ...(proxy ? { proxy } : {}),
      tokens,
      authors,
      hotSlug,
      slugCount: 0,
      opsToken: readFileSync(join(stack.dataDir, 'ops-token'), 'utf8').trim(),
      moderationUrl: `http://127.0.0.1:${moderationPort}`,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function waitReady(stack: SpawnedStack, timeoutMs = 180_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await fetch(`${stack.baseUrl}/api/tags`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    if (stack.child.exitCode !== null) throw new Error(`the stack exited: ${stack.stderr().slice(-2000)}`);
    await sleep(500);
  }
  throw new Error('the stack did not answer within 180 s');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function state(env: TrialEnv): Promise<MonitorState | null> {
  const res = await fetch(`${env.stack.opsUrl}/ops/diagnosis`).catch(() => null);
  if (res?.status !== 200) return null;
  return (await res.json()) as MonitorState;
}

const healthyOf = (v: Verdict) => v.healthy.map((h) => (h.split(':')[0] ?? '').split(' ')[0] ?? '');

export interface TrialResult {
  shape: TrialShape;
  correct: boolean;
  /** From the fault's onset to the first verdict naming the right component with the others healthy. */
  timeToVerdictMs: number | null;
  top: Suspect | null;
  healthy: string[];
  /** Why it failed, when it did. */
  reason?: string;
  load: LoadStats;
}

/**
 * One trial: baseline load until the monitor is calm and has a baseline, then the fault; polls the
 * diagnosis until it names the expected component with the unrelated ones healthy, or 60 s pass;
 * then removes the fault. The loads stop by themselves however the trial ends.
 */
export async function runTrial(env: TrialEnv, shape: TrialShape, limitMs = 60_000): Promise<TrialResult> {
  const def = TRIALS[shape];
  const fault = def.fault(env);
  const base = () => startLoad({ ...def.baseline(env), baseUrl: env.stack.baseUrl, maxDurationMs: 300_000 });
  let load = base();
  let injected = false;
  try {
    await waitCalm(env);
    const onset = Date.now();
    await fault.inject();
    injected = true;
    if (fault.load) {
      await load.stop();
      load = startLoad({ ...fault.load, baseUrl: env.stack.baseUrl, maxDurationMs: limitMs + 10_000 });
    }
    let last: MonitorState | null = null;
    while (Date.now() - onset < limitMs) {
      await sleep(250);
      const s = await state(env);
      if (!s) continue;
      last = s;
      const top = s.verdict.suspects[0];
      const healthy = healthyOf(s.verdict);
      if (top?.component === def.expected && def.healthy.every((h) => healthy.includes(h))) {
        return { shape, correct: true, timeToVerdictMs: Date.now() - onset, top, healthy, load: load.stats };
      }
    }
    const top = last?.verdict.suspects[0] ?? null;
    return {
      shape,
      correct: false,
      timeToVerdictMs: null,
      top,
      healthy: last ? healthyOf(last.verdict) : [],
      reason: `after ${limitMs} ms the top suspect was ${top ? `${top.component}: ${top.summary}` : 'none'}; healthy: ${last?.verdict.healthy.join(' | ')}; window ${JSON.stringify({ ...last?.window, queries: undefined, dependencies: undefined })}; baseline ${JSON.stringify({ workers: last?.baseline?.workers, rtt: last?.baseline?.dbRoundTripMs, queryMs: last?.baseline?.queryMs, queryCalls: last?.baseline?.queryCalls })}`,
      load: load.stats,
    };
  } finally {
    if (injected) await fault.recover();
    await load.stop();
  }
}

/** Waits until the monitor has a baseline and names no suspect for three seconds in a row. */
async function waitCalm(env: TrialEnv, minMs = 12_000, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  let calmSince: number | null = null;
  let last: MonitorState | null = null;
  while (Date.now() - start < timeoutMs) {
    await sleep(500);
    last = await state(env);
    const calm =
      last !== null &&
      last.baseline !== null &&
      last.window.requests > 0 &&
      last.verdict.suspects.length === 0;
    calmSince = calm ? (calmSince ?? Date.now()) : null;
    if (calmSince !== null && Date.now() - calmSince >= 3000 && Date.now() - start >= minMs) return;
  }
  throw new Error(
    `the monitor never settled under the baseline load: ${JSON.stringify(last?.verdict.suspects.map((s) => s.summary))}`,
  );
}
