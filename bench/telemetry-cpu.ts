// The CPU each request costs a worker with telemetry off and on. The worker is a child process
// serving HTTP on loopback (built exactly as `createWorkerTelemetry` + `buildApp` wire a worker);
// this process drives it with a closed loop of undici connections and the child reports its own CPU
// over the measured window, so the load generator's CPU is not counted and a busy shared machine,
// which ruins throughput comparisons, moves it far less. One child per sample (OpenTelemetry keeps
// process-wide state), variants interleaved (ABC, CBA, …), medians.
//
// Real sockets rather than Fastify's inject: under inject every request's response closed before
// it reported itself finished, so the request deadline aborted its signal and built a DOMException
// per request, a cost a real server never pays, which inflated both sides and flattered the ratio.
//   npm run bench:telemetry:cpu -- [--runs 5] [--requests 15000] [--connections 4] [--profile DIR]
//                                  [--variants off,on,all-traces,no-traces,no-logs] [--warmup 3000]
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Pool } from 'undici';
import { buildApp } from '../src/http/index.js';
import { createWorkerData, createWorkerTelemetry } from '../src/scale/index.js';
import { workerLogDestination } from '../src/telemetry/index.js';
import { startTestDatabase, testConfig } from '../test/support/stack.js';
import { describeMachine, machineLine } from './machine.js';

// on: metrics, the log line, traces of one request in ten; all-traces: every request traced;
// no-traces, no-logs: `on` with one part left out (no OTLP endpoint; log level warn).
const ALL_VARIANTS = ['off', 'on', 'all-traces', 'no-traces', 'no-logs'] as const;
type Variant = (typeof ALL_VARIANTS)[number];
/** `--variants off,on,no-traces`: which configurations to compare (default off, on, all-traces). */
const VARIANTS: readonly Variant[] = (() => {
  const i = process.argv.indexOf('--variants');
  const list = (i >= 0 ? String(process.argv[i + 1]) : 'off,on,all-traces').split(',') as Variant[];
  for (const v of list) if (!ALL_VARIANTS.includes(v)) throw new Error(`unknown variant ${v}`);
  if (!list.includes('off')) throw new Error('--variants must include off, the baseline');
  return list;
})();
const profileDir = (() => {
  const i = process.argv.indexOf('--profile');
  if (i < 0) return undefined;
  const dir = resolve(String(process.argv[i + 1]));
  mkdirSync(dir, { recursive: true });
  return dir;
})();
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
// Requests before the window. A worker's CPU per request keeps falling for some 20,000 requests
// after start (JIT tiers, the young generation growing to the allocation rate): with the default
// the window still sees some of it, as a freshly started worker would; `--warmup 20000` measures
// the steady state a long-running worker is in, with far less spread between runs.
const WARMUP_REQUESTS = arg('warmup', 3_000);

type ToChild = { type: 'start' } | { type: 'stop' };
type FromChild = { type: 'listening'; port: number } | { type: 'started' } | { type: 'cpu'; us: number };

/** In a child: a worker's app over `url` as the variant says, on a loopback port, until disconnected. */
async function child(variant: Variant, url: string): Promise<void> {
  const level = variant === 'no-logs' ? 'warn' : 'info';
  const config = testConfig({ 'log.level': level, 'telemetry.enabled': String(variant !== 'off') });
  const telemetry = config.telemetry.enabled ? await createWorkerTelemetry(config) : undefined;
  const data = createWorkerData(config, {
    databaseUrl: url,
    poolMax: 5,
    name: 'bench',
    ...(telemetry ? { observe: telemetry.data } : {}),
  });
  telemetry?.attach(data);
  const app = await buildApp({
    config,
    db: data.db,
    jwtSecret: 'bench-only-secret',
    // The worker's own destination and level, into a pipe this process drains, as a worker's stdout.
    logger: pino({ level }, workerLogDestination(1)),
    telemetry: telemetry?.http ?? { logRequests: false },
    requestBudgetMs: 5_000,
    ...(data.cache ? { cache: telemetry ? telemetry.timedCache(data.cache) : data.cache } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const send = (m: FromChild) => process.send?.(m);
  // `--profile DIR`: a V8 CPU profile of exactly the measured window, one file per sample.
  const profileDir = process.env.BULWARK_BENCH_PROFILE_DIR;
  const session = profileDir ? new Session() : undefined;
  let t0: NodeJS.CpuUsage | undefined;
  process.on('message', async (m: ToChild) => {
    if (m.type === 'start') {
      if (session) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 50 });
        await session.post('Profiler.start');
      }
      t0 = process.cpuUsage();
      send({ type: 'started' });
    } else if (m.type === 'stop' && t0) {
      const cpu = process.cpuUsage(t0);
      if (session && profileDir) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(join(profileDir, `${variant}-${process.pid}.cpuprofile`), JSON.stringify(profile));
      }
      send({ type: 'cpu', us: cpu.user + cpu.system });
    }
  });
  process.once('disconnect', async () => {
    await app.close();
    await data.close();
    await telemetry?.close();
    process.exit(0);
  });
  send({ type: 'listening', port: (app.server.address() as AddressInfo).port });
}

async function seed(url: string): Promise<void> {
  const config = testConfig();
  const data = createWorkerData(config, { databaseUrl: url, poolMax: 2, name: 'seed' });
  const app = await buildApp({ config, db: data.db, jwtSecret: 'bench-only-secret' });
  const reg = await app.inject({
    method: 'POST',
    url: '/api/users',
    payload: { user: { username: 'bench', email: 'bench@example.com', password: 'bench-password' } },
  });
  const token = (reg.json() as { user: { token: string } }).user.token;
  for (let i = 0; i < 10; i++) {
    const a = await app.inject({
      method: 'POST',
      url: '/api/articles',
      headers: { authorization: `Token ${token}` },
      payload: {
        article: { title: `Bench ${i}`, description: 'd', body: 'b'.repeat(500), tagList: ['x', `t${i}`] },
      },
    });
    const slug = (a.json() as { article: { slug: string } }).article.slug;
    await app.inject({
      method: 'POST',
      url: `/api/articles/${slug}/comments`,
      headers: { authorization: `Token ${token}` },
      payload: { comment: { body: 'a comment' } },
    });
  }
  await app.close();
  await data.close();
}

/** Sends `n` GETs over `pool` from `connections` closed loops; returns how many were not 200. */
async function drive(pool: Pool, paths: string[], n: number, connections: number): Promise<number> {
  let next = 0;
  let errors = 0;
  const loop = async () => {
    while (next < n) {
      const path = paths[next++ % paths.length] as string;
      const res = await pool.request({ method: 'GET', path });
      await res.body.dump();
      if (res.statusCode !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  return errors;
}

/** One sample: a fresh worker child, warmed up, then CPU µs per request over `requests`. */
async function sample(
  variant: Variant,
  dbUrl: string,
  sinkUrl: string,
  requests: number,
  connections: number,
): Promise<number> {
  const proc: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child', variant, dbUrl], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: variant === 'off' || variant === 'no-traces' ? '' : sinkUrl,
      OTEL_TRACES_SAMPLER: variant === 'all-traces' ? 'parentbased_always_on' : 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
      ...(profileDir ? { BULWARK_BENCH_PROFILE_DIR: profileDir } : {}),
    },
  });
  const next = <T extends FromChild['type']>(type: T) =>
    new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type !== type) return;
        proc.off('message', onMessage);
        resolve(m as Extract<FromChild, { type: T }>);
      };
      proc.on('message', onMessage);
      proc.once('exit', (code) => reject(new Error(`the ${variant} worker exited (${code})`)));
    });
  proc.stdout?.resume();
  const exited = new Promise((r) => proc.once('exit', r));
  try {
    const { port } = await next('listening');
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections });
    try {
      const list = await pool.request({ method: 'GET', path: '/api/articles?limit=10' });
      const { articles } = (await list.body.json()) as {
        articles: { slug: string; author: { username: string } }[];
      };
      // The reader's journey of S2: tags, a list, then each article, its comments and its author.
      const paths = [
        '/api/tags',
        '/api/articles?limit=10',
        ...articles.flatMap((a) => [
          `/api/articles/${a.slug}`,
          `/api/articles/${a.slug}/comments`,
          `/api/profiles/${a.author.username}`,
        ]),
      ];
      await drive(pool, paths, WARMUP_REQUESTS, connections);
      const started = next('started');
      proc.send({ type: 'start' } satisfies ToChild);
      await started;
      const errors = await drive(pool, paths, requests, connections);
      if (errors > 0) throw new Error(`${errors} of ${requests} requests to the ${variant} worker failed`);
      const cpu = next('cpu');
      proc.send({ type: 'stop' } satisfies ToChild);
      return (await cpu).us / requests;
    } finally {
      await pool.close();
    }
  } finally {
    proc.disconnect();
    await exited;
  }
}

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const requests = arg('requests', 15_000);
  const connections = arg('connections', 4);
  const machine = await describeMachine();
  process.stderr.write(`${machineLine(machine)}\n`);
  const db = await startTestDatabase();
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('{}'));
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const results = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  try {
    await seed(db.url);
    for (let r = 0; r < runs; r++) {
      // Alternate the order so that drift on the machine falls on every variant alike.
      const order = r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const us = await sample(variant, db.url, sinkUrl, requests, connections);
        results[variant].push(us);
        process.stderr.write(
          `run ${r + 1}/${runs} ${variant}: ${us.toFixed(1)} µs CPU/request; load ${loadavg()[0]?.toFixed(2)}\n`,
        );
      }
    }
  } finally {
    sink.close();
    await db.stop();
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  const off = median(results.off);
  process.stdout.write(
    [
      `CPU per request in the worker (S2 journey paths over loopback HTTP, ${connections} connections, ${requests} requests, ${runs} runs, medians)`,
      `${machineLine(machine)}; load after ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      '',
      '| variant | µs CPU / request (median) | runs | ÷ off |',
      '|---|---|---|---|',
      ...VARIANTS.map(
        (v) =>
          `| ${v} | ${median(results[v]).toFixed(1)} | ${results[v].map((x) => x.toFixed(1)).join(', ')} | ${(median(results[v]) / off).toFixed(3)} |`,
      ),
      '',
    ].join('\n'),
  );
}

const i = process.argv.indexOf('--child');
if (i >= 0) {
  await child(process.argv[i + 1] as Variant, process.argv[i + 2] as string);
} else {
  await main();
}
