import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, meanStepsPerJourney, readScenario } from './scenario.js';

test('the seed-incident scenario file reads and has the spike shape, five minutes in all', () => {
  const file = fileURLToPath(new URL('../../scenarios/seed-incident.yaml', import.meta.url));
  const r = loadScenarioFile(file);
  assert.ok(r.ok, r.ok ? '' : r.problems.join('\n'));
  const total = r.scenario.stages.reduce((a, s) => a + s.durationMs, 0);
  assert.equal(total, 300_000);
  assert.deepEqual([...new Set(r.scenario.stages.map((s) => s.phase))], ['baseline', 'spike', 'recovery']);
  assert.ok(r.scenario.journeys.some((j) => j.as === 'signed-in'));
});

test('a scenario with many mistakes lists every one of them with where it is', () => {
  const r = readScenario({
    name: '',
    executor: { type: 'constant', rate: -1, duration: 'soon' },
    journeys: [
      { name: 'a', steps: [{ name: 'x' }] },
      { name: 'b', as: 'robot', steps: [{ name: 'y', get: 'no-slash', auth: true }] },
    ],
    thresholds: { latency: ['p95<3'], nonsense: ['rate<1%'] },
  });
  assert.equal(r.ok, false);
  const problems = r.ok ? [] : r.problems;
  for (const fragment of [
    '.name: expected a non-empty string',
    'executor.rate: expected a number',
    'executor.duration: expected a duration',
    'journeys[0].steps[0]: give exactly one of get, post, put, delete',
    'journeys[1].as: expected one of anonymous, signed-in',
    'journeys[1].steps[0].get: a path starts with /',
    'journeys[1]: step y sends a token, so the journey needs as: signed-in',
    'thresholds.latency: "p95<3"',
    'thresholds.nonsense: unknown metric',
  ]) {
    assert.ok(
      problems.some((p) => p.includes(fragment)),
      `missing "${fragment}" in:\n${problems.join('\n')}`,
    );
  }
});

test('an unknown template variable is refused when the scenario is read, not mid-run', () => {
  const r = readScenario({
    name: 's',
    executor: { type: 'constant', rate: 1, duration: '1s' },
    journeys: [{ name: 'a', steps: [{ name: 'x', get: '/api/articles/{slugg}' }] }],
  });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.problems.join('\n'), /unknown variable \{slugg\}/);
});

test('journeys arrive at the request rate divided by the weighted mean of their lengths', () => {
  const r = readScenario({
    name: 's',
    executor: { type: 'constant', rate: 1, duration: '1s' },
    journeys: [
      { name: 'a', weight: 3, steps: [{ name: 'x', get: '/a' }] },
      {
        name: 'b',
        weight: 1,
        steps: [
          { name: 'y', get: '/b' },
          { name: 'z', get: '/c' },
          { name: 'w', get: '/d' },
          { name: 'v', get: '/e' },
          { name: 'u', get: '/f' },
        ],
      },
    ],
  });
  assert.ok(r.ok);
  assert.equal(meanStepsPerJourney(r.ok ? r.scenario.journeys : []), 2);
});

test('a journey bound to a range of users must keep within its pool', () => {
  const base = {
    name: 's',
    executor: { type: 'constant', rate: 1, duration: '1s' },
    users: { anonymous: 10, signedIn: 5 },
  };
  const ok = readScenario({
    ...base,
    journeys: [
      {
        name: 'a',
        as: 'signed-in',
        users: { from: 1, to: 2 },
        steps: [{ name: 'x', get: '/a', auth: true }],
      },
      { name: 'b', users: { from: 3, to: 10 }, steps: [{ name: 'y', get: '/b' }] },
    ],
  });
  assert.ok(ok.ok, ok.ok ? '' : ok.problems.join('\n'));
  assert.deepEqual(
    ok.scenario.journeys.map((j) => j.users),
    [
      { from: 1, to: 2 },
      { from: 3, to: 10 },
    ],
  );
  const bad = readScenario({
    ...base,
    journeys: [
      { name: 'a', as: 'signed-in', users: { from: 1, to: 6 }, steps: [{ name: 'x', get: '/a' }] },
      { name: 'b', users: { from: 4, to: 2 }, steps: [{ name: 'y', get: '/b' }] },
    ],
  });
  assert.equal(bad.ok, false);
  const problems = bad.ok ? '' : bad.problems.join('\n');
  assert.match(problems, /journeys\[0\]\.users: expected whole numbers with 1 ≤ from ≤ to ≤ 5/);
  assert.match(problems, /journeys\[1\]\.users: expected whole numbers with 1 ≤ from ≤ to ≤ 10/);
});

test('a named list of values is a variable of the journeys, and an unknown or empty list is refused', () => {
  const base = { name: 's', executor: { type: 'constant', rate: 1, duration: '1s' } };
  const ok = readScenario({
    ...base,
    values: { authors: ['ann', 'bob'] },
    journeys: [{ name: 'a', steps: [{ name: 'x', get: '/api/articles?author={values.authors}' }] }],
  });
  assert.ok(ok.ok, ok.ok ? '' : ok.problems.join('\n'));
  assert.deepEqual(ok.scenario.values, { authors: ['ann', 'bob'] });
  const bad = readScenario({
    ...base,
    values: { empty: [] },
    journeys: [{ name: 'a', steps: [{ name: 'x', get: '/api/articles?author={values.authorz}' }] }],
  });
  assert.equal(bad.ok, false);
  const problems = bad.ok ? '' : bad.problems.join('\n');
  assert.match(problems, /values\.empty: expected a non-empty list of strings/);
  assert.match(problems, /unknown variable \{values\.authorz\}/);
});

test('client.preconnect is a path to open every connection with before the run; anything else is refused', () => {
  const withPreconnect = (preconnect: unknown) =>
    readScenario({
      name: 's',
      executor: { type: 'constant', rate: 1, duration: '1s' },
      client: { connections: 8, preconnect },
      journeys: [{ name: 'a', steps: [{ name: 'x', get: '/api/tags' }] }],
    });
  const ok = withPreconnect('/health/live');
  assert.equal(ok.ok && ok.scenario.client.preconnect, '/health/live');
  const none = readScenario({
    name: 's',
    executor: { type: 'constant', rate: 1, duration: '1s' },
    journeys: [{ name: 'a', steps: [{ name: 'x', get: '/api/tags' }] }],
  });
  assert.equal(none.ok && none.scenario.client.preconnect, undefined, 'off unless asked for');
  for (const bad of ['health/live', '', 7]) {
    const r = withPreconnect(bad);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.problems.join('\n'), /client\.preconnect: expected a path starting with "\/"/);
  }
});
