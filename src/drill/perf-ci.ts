// The pipeline's performance gate: the hardened stack on a small demo dataset (seeded in seconds on
// first use), a short steady scenario with thresholds, and an exit code a CI script can read.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatherFixtures, type LoadResult, loadScenarioFile, runScenario } from '../load/index.js';
import { startStack } from './stack-process.js';

export const PERF_CI_SCENARIO = resolve(
  fileURLToPath(new URL('../../scenarios/perf-ci.yaml', import.meta.url)),
);

/** Big enough that unindexed or slowed queries cost real time, small enough to seed in seconds. */
export const PERF_CI_SEED = [
  '--seed.users',
  '2000',
  '--seed.articles',
  '20000',
  '--seed.follows',
  '20000',
  '--seed.favorites',
  '60000',
  '--seed.comments',
  '40000',
  '--seed.tags',
  '200',
];

export interface PerfCiOptions {
  dataDir: string;
  demoPassword: string;
  scenarioFile?: string;
  /** An already running stack to test instead of starting one. */
  url?: string;
  log: (line: string) => void;
}

export async function runPerfCi(o: PerfCiOptions): Promise<{ result: LoadResult; stackStartMs: number }> {
  const file = o.scenarioFile ?? PERF_CI_SCENARIO;
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) throw new Error(`invalid scenario ${file}:\n  - ${loaded.problems.join('\n  - ')}`);
  const scenario = loaded.scenario;
  const run = async (origin: string) => {
    const fixtures = await gatherFixtures(origin, {
      signedIn: scenario.users.signedIn,
      firstSignedIn: scenario.users.firstSignedIn,
      demoPassword: o.demoPassword,
    });
    return runScenario({ baseUrl: origin, scenario, fixtures });
  };
  if (o.url) return { result: await run(o.url), stackStartMs: 0 };
  o.log(`starting the hardened stack on ${o.dataDir}…`);
  const stack = await startStack({ profile: 'hardened', dataDir: o.dataDir, args: PERF_CI_SEED });
  try {
    o.log(
      `  up in ${(stack.startMs / 1000).toFixed(1)} s${stack.seeded ? ' (seeded)' : ''}; running ${scenario.name}…`,
    );
    return { result: await run(stack.origin), stackStartMs: stack.startMs };
  } finally {
    await stack.stop();
  }
}
