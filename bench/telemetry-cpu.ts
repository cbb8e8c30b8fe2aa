// The CPU each request costs the worker with telemetry off and on, measured inside one process
// with Fastify's inject (no network, no load generator), so a busy shared machine, which ruins
// throughput comparisons, barely moves it. One child process per sample (OpenTelemetry installs
// process-wide state), variants interleaved, medians.
//   npm run bench:telemetry:cpu -- [--runs 5] [--requests 20000]
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { buildApp } from '../src/http/index.js';
import { createWorkerData, createWorkerTelemetry } from '../src/scale/index.js';
import { startTestDatabase, testConfig } from '../test/support/stack.js';

const run = promisify(execFile);
const VARIANTS = ['off', 'on', 'all-traces'] as const;
type Variant = (typeof VARIANTS)[number];
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

/** In a child: builds a worker's app over `url` as the variant says and measures CPU per request. */
async function child(variant: Variant, url: string, requests: number): Promise<void> {
  const config = testConfig({ 'log.level': 'info', 'telemetry.enabled': String(variant !== 'off') });
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
    logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false })),
    telemetry: telemetry?.http ?? { logRequests: false },
    requestBudgetMs: 5_000,
    ...(data.cache ? { cache: telemetry ? telemetry.timedCache(data.cache) : data.cache } : {}),
  });
  await app.ready();
  const list = await app.inject({ method: 'GET', url: '/api/articles?limit=10' });
  const articles = (list.json() as { articles: { slug: string; author: { username: string } }[] }).articles;
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
  const go = async (n: number) => {
    for (let i = 0; i < n; i++) await app.inject({ method: 'GET', url: paths[i % paths.length] as string });
  };
  await go(3_000);
  const t0 = process.cpuUsage();
  await go(requests);
  const cpu = process.cpuUsage(t0);
  process.stdout.write(`${JSON.stringify({ variant, usPerRequest: (cpu.user + cpu.system) / requests })}\n`);
  await app.close();
  await data.close();
  await telemetry?.close();
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

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const requests = arg('requests', 20_000);
  const db = await startTestDatabase();
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('{}'));
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const results: Record<Variant, number[]> = { off: [], on: [], 'all-traces': [] };
  try {
    await seed(db.url);
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const env = {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: variant === 'off' ? '' : sinkUrl,
          OTEL_TRACES_SAMPLER:
            variant === 'all-traces' ? 'parentbased_always_on' : 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0.1',
        };
        const { stdout } = await run(
          process.execPath,
          ['--import', 'tsx', 'bench/telemetry-cpu.ts', '--child', variant, db.url, String(requests)],
          { env, maxBuffer: 1 << 20 },
        );
        const line = JSON.parse(stdout.trim().split('\n').pop() as string) as { usPerRequest: number };
        results[variant].push(line.usPerRequest);
        process.stderr.write(
          `run ${r + 1}/${runs} ${variant}: ${line.usPerRequest.toFixed(1)} µs CPU/request; load ${loadavg()[0]?.toFixed(2)}\n`,
        );
      }
    }
  } finally {
    sink.close();
    await db.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const off = median(results.off);
  process.stdout.write(
    [
      `CPU per request in the worker (S2 journey paths, Fastify inject, ${requests} requests, ${runs} runs, medians; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
      '',
      '| variant | µs CPU / request | ÷ off |',
      '|---|---|---|',
      ...VARIANTS.map(
        (v) => `| ${v} | ${median(results[v]).toFixed(1)} | ${(median(results[v]) / off).toFixed(3)} |`,
      ),
      '',
    ].join('\n'),
  );
}

const i = process.argv.indexOf('--child');
if (i >= 0) {
  await child(process.argv[i + 1] as Variant, process.argv[i + 2] as string, Number(process.argv[i + 3]));
  process.exit(0);
} else {
  await main();
}
