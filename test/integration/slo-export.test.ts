import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parse } from 'yaml';

test('`bulwark slo export` prints a PrometheusRule built from the configured objectives', () => {
  const r = spawnSync(
    process.execPath,
    [
      'bin/bulwark.js',
      'slo',
      'export',
      '--slo.latencyThresholdMs',
      '500',
      '--slo.availabilityTarget',
      '0.995',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const doc = parse(r.stdout) as {
    kind: string;
    spec: { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] };
  };
  assert.equal(doc.kind, 'PrometheusRule');
  const rules = doc.spec.groups.flatMap((g) => g.rules);
  assert.match(rules.find((x) => x.record === 'bulwark:http_slow:ratio_rate1h')?.expr ?? '', /le="0\.5"/);
  assert.match(
    rules.find((x) => x.alert === 'BulwarkAvailabilityBurnRatePage')?.expr ?? '',
    /\(14\.4 \* 0\.005\)/,
  );
});

test('`bulwark slo` without `export` is a usage error with exit code 2', () => {
  const r = spawnSync(process.execPath, ['bin/bulwark.js', 'slo', 'show'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: bulwark slo export/);
  assert.equal(r.stdout, '');
});
