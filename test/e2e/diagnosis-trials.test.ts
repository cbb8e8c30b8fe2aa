import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTrialEnv, runTrial, TRIAL_SHAPES, TRIALS } from '../support/diagnosis-trials.js';

/**
 * The diagnosis trials on the real stack under real load, once per shape (bench/diagnosis-trials.ts
 * repeats them): after a calm baseline the fault starts, and within 60 s the top suspect must be the
 * right component with the unrelated ones reported healthy.
 */
for (const shape of TRIAL_SHAPES) {
  const def = TRIALS[shape];
  test(`trial ${shape}: the top suspect is ${def.expected} within 60 s, with ${def.healthy.join(', ')} healthy`, async () => {
    const env = await openTrialEnv(shape);
    try {
      const r = await runTrial(env, shape);
      assert.equal(r.correct, true, r.reason);
      assert.equal(r.top?.component, def.expected);
      assert.ok((r.timeToVerdictMs ?? Number.POSITIVE_INFINITY) <= 60_000);
      for (const h of def.healthy) assert.ok(r.healthy.includes(h), `${h} healthy`);
      assert.ok(r.load.sent > 0);
    } finally {
      await env.close();
    }
  });
}
