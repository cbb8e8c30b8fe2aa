import { spawnBenchScript } from './child-process.js';
import type { DriverJob, DriverResult } from './driver-protocol.js';
import type { GuardJob } from './guard-protocol.js';
import { coresUsed, sampleTree, type TreeSample } from './proc-cpu.js';

export interface Measurement extends DriverResult {
  /** Cores used during the window: the stack's `node` (supervisor + workers) and `postgres` processes. */
  stackCores: Record<string, number>;
}

export const JOB_DEFAULTS = {
  timeoutMs: 30_000,
  drainMs: 30_000,
  maxOutstanding: 10_000,
} as const;

/**
 * Runs one job in a fresh driver process and samples the CPU of the process tree rooted at
 * `hooks.stackPid` (when given) over exactly the driver's measured window.
 */
export async function runDriver(
  job: DriverJob | GuardJob,
  hooks: { stackPid?: number; onMeasureStart?: () => void } = {},
): Promise<Measurement> {
  const { stackPid } = hooks;
  const driver = spawnBenchScript('./load-driver.ts', job);
  let before: TreeSample | undefined;
  let after: TreeSample | undefined;
  let t0 = 0;
  let t1 = 0;
  driver.onLine((line) => {
    if (line.event === 'measure-start') hooks.onMeasureStart?.();
    if (stackPid === undefined) return;
    if (line.event === 'measure-start') {
      before = sampleTree(stackPid);
      t0 = performance.now();
    } else if (line.event === 'measure-end') {
      after = sampleTree(stackPid);
      t1 = performance.now();
    }
  });
  const budget = job.warmupMs + job.durationMs + job.drainMs + job.timeoutMs + 30_000;
  const line = await driver.waitFor<{ result?: DriverResult; event?: string; message?: string }>(
    (l) => 'result' in l || l.event === 'error',
    budget,
  );
  await driver.exited;
  if (!line.result) throw new Error(`the load driver failed: ${line.message ?? driver.stderr()}`);
  const stackCores = before && after && t1 > t0 ? coresUsed(before, after, (t1 - t0) / 1000) : {};
  return { ...line.result, stackCores };
}
