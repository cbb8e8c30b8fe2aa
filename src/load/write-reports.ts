import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { htmlReport } from './report-html.js';
import { markdownReport } from './report-markdown.js';
import type { LoadResult } from './result-types.js';

/** Writes `<base>.json`, `<base>.md` and `<base>.html` under `dir`; returns the three paths. */
export function writeRunReports(dir: string, base: string, r: LoadResult) {
  mkdirSync(dir, { recursive: true });
  const path = (ext: string) => resolve(join(dir, `${base}.${ext}`));
  const files = { json: path('json'), md: path('md'), html: path('html') };
  writeFileSync(files.json, `${JSON.stringify(r, null, 1)}\n`);
  writeFileSync(files.md, markdownReport(r));
  writeFileSync(
    files.html,
    htmlReport(`Load run: ${r.scenario.name}`, [{ label: r.scenario.name, result: r }]),
  );
  return files;
}

/** A file-name-safe timestamp, e.g. 2026-01-31T12-00-00Z. */
export function stamp(d = new Date()): string {
  return d
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}
