// Runs a scenario: forks the generator processes, starts them at one shared instant, relays their
// progress, and merges their tallies into one result with its thresholds evaluated.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { EngineJob, EngineResult, Progress } from './engine.js';
import { peakRate, totalMs } from './executors.js';
import type { Fixtures } from './fixtures-types.js';
import { mergeResults } from './merge.js';
import type { LoadResult } from './result-types.js';
import type { Scenario } from './scenario-types.js';
import { evaluateThresholds } from './thresholds.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/** Above this peak rate a run gets one more generator process (one process keeps ≥ 5,000/s here). */
export const RATE_PER_PROCESS = 4000;

export interface RunOptions {
  baseUrl: string;
  scenario: Scenario;
  fixtures: Fixtures;
  /** Generator processes; default: enough for the peak rate at RATE_PER_PROCESS each. */
  processes?: number;
  onProgress?: (p: Progress & { processes: number; targetMs: number }) => void;
}

export function defaultProcesses(scenario: Scenario): number {
  return Math.max(1, Math.ceil(peakRate(scenario.stages) / RATE_PER_PROCESS));
}

const WORKER = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

function startWorker(job: EngineJob) {
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let onMessage: (m: FromWorker) => void = () => {};
  child.on('message', (m: FromWorker) => onMessage(m));
  // 'close', not 'exit': it comes after the IPC channel has delivered its last message
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const send = (m: ToWorker) => child.send(m);
  return {
    child,
    exited,
    send,
    listen(f: (m: FromWorker) => void) {
      onMessage = f;
    },
    job,
  };
}

export async function runScenario(options: RunOptions): Promise<LoadResult> {
  const { scenario } = options;
  const count = options.processes ?? defaultProcesses(scenario);
  const runId = randomBytes(3).toString('hex');
  const workers = Array.from({ length: count }, (_, index) =>
    startWorker({
      baseUrl: options.baseUrl,
      scenario,
      fixtures: options.fixtures,
      index,
      count,
      runId,
    }),
  );
  const latest: (Progress | undefined)[] = workers.map(() => undefined);
  const results: (EngineResult | undefined)[] = workers.map(() => undefined);
  const targetMs = totalMs(scenario.stages);
  try {
    const ready = workers.map(
      (w, i) =>
        new Promise<void>((resolve, reject) => {
          w.listen((m) => {
            if (m.type === 'ready') resolve();
            else if (m.type === 'progress') {
              latest[i] = m.progress;
              if (i === 0 && options.onProgress) {
                const all = latest.filter((p): p is Progress => p !== undefined);
                const sum = (f: (p: Progress) => number) => all.reduce((a, p) => a + f(p), 0);
                options.onProgress({
                  elapsedMs: m.progress.elapsedMs,
                  intended: sum((p) => p.intended),
                  sent: sum((p) => p.sent),
                  done: sum((p) => p.done),
                  ok: sum((p) => p.ok),
                  inFlight: sum((p) => p.inFlight),
                  late: sum((p) => p.late),
                  dropped: sum((p) => p.dropped),
                  recentP99: all.reduce((a, p) => Math.max(a, p.recentP99), 0),
                  recentCount: sum((p) => p.recentCount),
                  processes: count,
                  targetMs,
                });
              }
            } else if (m.type === 'result') results[i] = m.result;
            else if (m.type === 'error') reject(new Error(`generator process ${i} failed: ${m.message}`));
          });
          void w.exited.then((code) => {
            if (!results[i])
              reject(new Error(`generator process ${i} exited (code ${code}) without a result`));
          });
        }),
    );
    const done = workers.map((w, i) =>
      w.exited.then((code) => {
        if (!results[i]) throw new Error(`generator process ${i} exited (code ${code}) without a result`);
      }),
    );
    for (const d of done) d.catch(() => {}); // awaited below; this only marks them handled
    for (const w of workers) w.send({ type: 'job', job: w.job });
    await Promise.all(ready.map((p, i) => Promise.race([p, done[i]])));
    const loadAverageAtStart = loadavg()[0] ?? 0;
    const atEpochMs = Date.now() + 300;
    // the shared start instant itself, so a moment outside the run (a fault injected) maps onto the timeline
    const startedAt = new Date(atEpochMs);
    for (const w of workers) w.send({ type: 'start', atEpochMs });
    await Promise.all(done);
    const merged = mergeResults({
      scenario,
      target: options.baseUrl,
      startedAt,
      durationMs: Date.now() - atEpochMs,
      loadAverageAtStart,
      results: results as EngineResult[],
    });
    const result: LoadResult = { ...merged, thresholds: [] };
    result.thresholds = evaluateThresholds(result, scenario.thresholds);
    return result;
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
  }
}
