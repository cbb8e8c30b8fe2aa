// `bulwark drill seed-incident` end to end, bounded: both stacks really start (pre-incident, then
// hardened, on one small dataset), a short spike scenario runs against each, both stop, and one
// report side by side comes out whose verdicts and exit code follow from the figures in it. The small
// dataset does not reproduce the outage; the full drill's figures are in docs/drill.md.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DrillOutcome } from '../../src/drill/index.js';
import { SMALL_SEED } from '../support/spawn-stack.js';
import { tempDir } from '../support/stack.js';

const SCENARIO = `
name: drill-smoke
seed: 3
objective: { latency: 1s }
users: { anonymous: 200, signedIn: 5 }
client: { connections: 64, timeout: 5s, drain: 5s }
executor: { type: spike, baseline: 10, peak: 40, baselineFor: 3s, riseIn: 1s, holdFor: 4s, fallIn: 1s, recoveryFor: 3s }
think: [50ms, 200ms]
journeys:
  - name: read
    weight: 3
    steps:
      - { name: home, get: "/api/articles?limit=10" }
      - { name: article, get: "/api/articles/{slug}" }
      - { name: comments, get: "/api/articles/{slug}/comments" }
  - name: feed
    as: signed-in
    weight: 1
    steps:
      - { name: feed, get: "/api/articles/feed?limit=10", auth: true }
`;

test('the drill runs both profiles on one dataset, stops them, and writes one report whose verdicts follow from its figures', async () => {
  const dir = tempDir('bulwark-drill-e2e-');
  const scenario = join(dir, 'smoke.yaml');
  writeFileSync(scenario, SCENARIO);
  const dataDir = join(dir, 'data');
  const out = join(dir, 'reports');
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        'bin/bulwark.js',
        'drill',
        'seed-incident',
        '--scenario',
        scenario,
        '--dataDir',
        dataDir,
        '--out',
        out,
        '--quiet',
        ...SMALL_SEED,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  const files = readdirSync(out);
  const json = files.find((f) => f.endsWith('.json'));
  assert.ok(json, `no report: ${run.stderr}`);
  const d = JSON.parse(readFileSync(join(out, json), 'utf8')) as DrillOutcome;
  assert.deepEqual(
    d.stacks.map((s) => s.profile),
    ['pre-incident', 'hardened'],
  );
  for (const s of d.stacks) {
    const r = s.result;
    assert.ok(r.total.requests > 100, `${s.label}: ${r.total.requests} requests`);
    assert.equal(r.generator.intended, d.stacks[0]?.result.generator.intended, 'the same schedule for both');
    assert.deepEqual(
      r.phases.map((p) => p.phase),
      ['baseline', 'spike', 'recovery'],
    );
    assert.ok(r.users.active > 0 && r.users.affected <= r.users.active);
    assert.equal(r.timeline.length, 12);
  }
  // the verdicts are the figures, not constants
  const [pre, hardened] = d.stacks.map((s) => s.result);
  const preSpike = pre?.phases.find((p) => p.phase === 'spike');
  const reproduced = d.verdicts.find((v) => v.name === 'pre-incident reproduces the outage');
  assert.equal(reproduced?.ok, (preSpike?.users.share ?? 0) >= 0.3);
  const fiveXx = Object.entries(hardened?.total.byStatus ?? {})
    .filter(([k]) => k.startsWith('5'))
    .reduce((a, [, n]) => a + n, 0);
  const holds = d.verdicts.find((v) => v.name === 'hardened holds');
  const hardSpike = hardened?.phases.find((p) => p.phase === 'spike');
  assert.equal(
    holds?.ok,
    Math.max(hardened?.users.share ?? 1, hardSpike?.users.share ?? 1) <= 0.01 && fiveXx === 0,
  );
  assert.equal(run.code, d.verdicts.every((v) => v.ok) ? 0 : 1, run.stdout);
  // one self-contained page: inline SVG charts, no script, nothing fetched from elsewhere
  const html = readFileSync(join(out, json.replace(/\.json$/, '.html')), 'utf8');
  assert.ok((html.match(/<svg /g) ?? []).length >= 3);
  assert.doesNotMatch(html, /<script|<link|src="http/);
  assert.match(
    readFileSync(join(out, json.replace(/\.json$/, '.md')), 'utf8'),
    /\| \| pre-incident \| hardened \|/,
  );
  // both stacks are gone
  const left = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dataDir);
      } catch {
        return false;
      }
    });
  assert.deepEqual(left, []);
});
