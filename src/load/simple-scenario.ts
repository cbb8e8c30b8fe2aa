import type { Executor } from './executors.js';
import type { Fixtures } from './fixtures-types.js';
import { readScenario } from './scenario.js';
import type { Scenario } from './scenario-types.js';

/** One anonymous GET of `path` at a constant rate: for the ceiling and the generator's own checks. */
export function simpleScenario(o: {
  rate: number;
  durationMs: number;
  path?: string;
  connections?: number;
  maxOutstanding?: number;
  timeoutMs?: number;
  drainMs?: number;
  executor?: Executor;
}): Scenario {
  const r = readScenario({
    name: 'simple',
    executor: { type: 'constant', rate: o.rate, duration: o.durationMs },
    users: { anonymous: 1000, signedIn: 0 },
    client: {
      connections: o.connections ?? 64,
      maxOutstanding: o.maxOutstanding ?? 20_000,
      timeout: o.timeoutMs ?? 10_000,
      drain: o.drainMs ?? 10_000,
    },
    journeys: [{ name: 'get', steps: [{ name: 'get', get: o.path ?? '/' }] }],
  });
  if (!r.ok) throw new Error(r.problems.join('; '));
  if (o.executor) return { ...r.scenario, executor: o.executor, stages: r.scenario.stages };
  return r.scenario;
}

/** Fixtures for targets that are not a Conduit API (the trivial server). */
export function emptyFixtures(): Fixtures {
  return { hot: [], cold: [], usernames: [], tags: [], signedIn: [], demoPassword: '', newPassword: '' };
}
