import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';

/**
 * The dependency rules of ARCHITECTURE.md: the data path points down (http → service → data), the
 * control plane points into the data plane, everything may use config, errors and telemetry, and a
 * folder is entered only through its index.ts.
 */
const SHARED = ['config', 'errors', 'telemetry'];
const ALLOWED: Record<string, string[]> = {
  cli: ['*'],
  scale: ['http', 'data', 'monitor', 'incident', 'ha', 'console', 'moderation'],
  console: ['monitor', 'incident', 'data'],
  monitor: ['data'],
  incident: ['monitor'],
  drill: ['load', 'data'],
  load: [],
  moderation: [],
  http: ['service', 'data'],
  service: ['data'],
  data: [],
  config: [],
  errors: [],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('imports between folders of src/ follow the architecture and go through index.ts', () => {
  const violations: string[] = [];
  for (const file of files('src').filter((f) => !f.endsWith('.test.ts'))) {
    const from = relative('src', file).split('/')[0] as string;
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative('src', resolve(file, '..', match[1] as string));
      const to = target.split('/')[0] as string;
      if (to === from || to.startsWith('..')) continue;
      const allowed = SHARED.includes(to) || (ALLOWED[from] ?? []).some((a) => a === '*' || a === to);
      if (!allowed) violations.push(`${file}: ${from} must not import ${to} (${match[1]})`);
      if (!/^[a-z-]+\/index\.js$/.test(target))
        violations.push(`${file}: enter ${to}/ through its index.ts, not ${match[1]}`);
    }
  }
  assert.deepEqual(violations, []);
});
