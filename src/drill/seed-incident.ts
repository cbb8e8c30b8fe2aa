// The seed incident, replayed: the stack as it was (pre-incident profile) and as it is (hardened),
// one after the other on the same data, under the same scenario, each started fresh and stopped.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compileStages,
  gatherFixtures,
  type LoadResult,
  loadScenarioFile,
  type Progress,
  runScenario,
  type Scenario,
  scaleExecutor,
} from '../load/index.js';
import type { DrillOutcome } from './drill-report.js';
import { startStack } from './stack-process.js';
import { drillVerdicts } from './verdicts.js';

export const SEED_INCIDENT_SCENARIO = resolve(
  fileURLToPath(new URL('../../scenarios/seed-incident.yaml', import.meta.url)),
);

export interface DrillOptions {
  scenarioFile?: string;
  /** Multiplies every duration of the scenario (0.2 turns its five minutes into one). */
  timeScale: number;
  dataDir: string;
  demoPassword: string;
  /** More `bulwark start` options for both stacks. */
  stackArgs?: string[];
  log: (line: string) => void;
  onProgress?: (p: Progress & { processes: number; targetMs: number }) => void;
}

export function drillScenario(file: string, timeScale: number): Scenario {
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) throw new Error(`invalid scenario ${file}:\n  - ${loaded.problems.join('\n  - ')}`);
  const executor = scaleExecutor(loaded.scenario.executor, timeScale);
  return { ...loaded.scenario, executor, stages: compileStages(executor) };
}

const PROFILES = [
  { label: 'pre-incident', profile: 'pre-incident' },
  { label: 'hardened', profile: 'hardened' },
] as const;

export async function runSeedIncidentDrill(o: DrillOptions): Promise<DrillOutcome> {
  const scenario = drillScenario(o.scenarioFile ?? SEED_INCIDENT_SCENARIO, o.timeScale);
  const startedAt = new Date().toISOString();
  const stacks: DrillOutcome['stacks'] = [];
  for (const side of PROFILES) {
    o.log(`starting the ${side.label} stack on ${o.dataDir}…`);
    const stack = await startStack({
      profile: side.profile,
      dataDir: o.dataDir,
      ...(o.stackArgs ? { args: o.stackArgs } : {}),
      onWait: (s) => o.log(`  …still starting (${s} s; a first start loads the demo dataset)`),
    });
    let result: LoadResult;
    try {
      o.log(
        `  up in ${(stack.startMs / 1000).toFixed(1)} s${stack.seeded ? ' (loaded the demo dataset)' : ''}; reading fixtures…`,
      );
      const fixtures = await gatherFixtures(stack.origin, {
        signedIn: scenario.users.signedIn,
        firstSignedIn: scenario.users.firstSignedIn,
        demoPassword: o.demoPassword,
      });
      o.log(`  running ${scenario.name} against the ${side.label} stack…`);
      result = await runScenario({
        baseUrl: stack.origin,
        scenario,
        fixtures,
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      });
    } finally {
      o.log(`  stopping the ${side.label} stack…`);
      await stack.stop();
    }
    stacks.push({
      label: side.label,
      profile: side.profile,
      startMs: stack.startMs,
      seeded: stack.seeded,
      result,
    });
  }
  const [pre, hardened] = stacks;
  if (!pre || !hardened) throw new Error('the drill needs both runs');
  return {
    kind: 'bulwark-drill-result',
    scenario: scenario.name,
    timeScale: o.timeScale,
    startedAt,
    stacks,
    verdicts: drillVerdicts(pre.result, hardened.result),
  };
}
