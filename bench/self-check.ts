import { request } from 'undici';
import { spawnBenchScript } from './child-process.js';
import type { DriverJob } from './driver-protocol.js';
import { JOB_DEFAULTS, type Measurement, runDriver } from './run-driver.js';

// Checks the load driver against servers whose answer we know, before trusting it on the API:
// a fixed 20 ms delay must read as p50 ≈ 20 ms, and a 1 s stall must show in the open model's p99
// (it hides in the closed model's, which is why the fixed-rate numbers use the open model).

async function trivialServer(delayMs: number) {
  const server = spawnBenchScript('./trivial-server.ts', { port: 0, delayMs });
  const { port } = await server.waitFor<{ port: number }>((l) => l.event === 'listening', 30_000);
  return { server, origin: `http://127.0.0.1:${port}` };
}

const ms = (us: number) => (us / 1000).toFixed(1);

function describe(m: Measurement): string {
  const l = m.latencyUs;
  const open = m.open
    ? ` achieved ${m.open.achievedRate.toFixed(1)}/s late ${m.open.late} dropped ${m.open.dropped} unfinished ${m.open.unfinished}`
    : '';
  return `${m.throughput.toFixed(0)} req/s, p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, p99.9 ${ms(l.p999)} ms, max ${ms(l.max)} ms, n ${l.count}, errors ${m.errors.total}${open}`;
}

interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

/** Runs the checks, prints each, and resolves true when all pass. */
export async function selfCheck(): Promise<boolean> {
  const checks: Check[] = [];
  const job = (origin: string, over: Partial<DriverJob>): DriverJob => ({
    baseUrl: origin,
    workload: 'trivial',
    mode: 'open',
    connections: 64,
    warmupMs: 1_000,
    durationMs: 5_000,
    ...JOB_DEFAULTS,
    ...over,
  });

  const delayed = await trivialServer(20);
  try {
    const open = await runDriver(job(delayed.origin, { rate: 200 }));
    checks.push({
      name: 'open model, 20 ms server at 200 req/s: p50 within 19–25 ms, p99 under 100 ms',
      pass:
        open.latencyUs.p50 >= 19_000 &&
        open.latencyUs.p50 <= 25_000 &&
        open.latencyUs.p99 < 100_000 &&
        open.errors.total === 0,
      detail: describe(open),
    });
    const closed = await runDriver(job(delayed.origin, { mode: 'closed', connections: 8 }));
    checks.push({
      name: 'closed model, 20 ms server, 8 connections: about 8 / 20 ms = 400 req/s, p50 within 19–25 ms',
      pass:
        closed.throughput > 300 &&
        closed.throughput <= 410 &&
        closed.latencyUs.p50 >= 19_000 &&
        closed.latencyUs.p50 <= 25_000,
      detail: describe(closed),
    });
  } finally {
    await delayed.server.stop();
  }

  const stalling = await trivialServer(0);
  const stallAfter = (afterMs: number) => () => {
    setTimeout(() => {
      request(`${stalling.origin}/__stall?ms=1000`)
        .then((r) => r.body.dump())
        .catch(() => {});
    }, afterMs);
  };
  try {
    const open = await runDriver(job(stalling.origin, { rate: 200, durationMs: 10_000 }), {
      onMeasureStart: stallAfter(3_000),
    });
    // 1 s of a 10 s window at a steady rate: ~10% of requests wait 0–1000 ms, so p99 ≈ 900 ms.
    checks.push({
      name: 'open model, 1 s stall in a 10 s window at 200 req/s: p99 at least 800 ms',
      pass: open.latencyUs.p99 >= 800_000 && open.latencyUs.max >= 950_000,
      detail: describe(open),
    });
    const closed = await runDriver(
      job(stalling.origin, { mode: 'closed', connections: 16, durationMs: 10_000 }),
      { onMeasureStart: stallAfter(3_000) },
    );
    checks.push({
      name: 'closed model, same stall (for contrast, not a requirement): the stall shows only in max',
      pass: closed.latencyUs.max >= 950_000,
      detail: describe(closed),
    });
  } finally {
    await stalling.server.stop();
  }

  for (const c of checks) console.log(`${c.pass ? 'PASS' : 'FAIL'}  ${c.name}\n      ${c.detail}`);
  return checks.every((c) => c.pass);
}
