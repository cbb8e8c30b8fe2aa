import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { type ModerationServer, startModerationServer } from '../../src/moderation/index.js';
import { startTestApp, startTestDatabase, type TestApp, type TestDatabase } from '../support/stack.js';

const run = promisify(execFile);

const REPO = resolve(fileURLToPath(import.meta.url), '../../..');
// The repository's parent holds `shared/`, the official suite among it.
const SUITE = resolve(REPO, '../shared/conformance/realworld/bruno');
const BRU = join(REPO, 'node_modules/.bin/bru');
// Upstream's order: later folders reuse nothing from earlier ones, but this is the order it is run in.
const FOLDERS = [
  'auth',
  'profiles',
  'articles',
  'comments',
  'favorites',
  'feed',
  'pagination',
  'tags',
  'errors-auth',
  'errors-profiles',
  'errors-articles',
  'errors-comments',
  'errors-authorization',
];
const EXPECTED = 154;

interface Check {
  status?: string;
  error?: string;
  description?: string;
  lhsExpr?: string;
  rhsExpr?: string;
}
interface BruResult {
  test?: { filename?: string };
  request?: { method?: string; url?: string };
  error?: string | null;
  assertionResults?: Check[];
  testResults?: Check[];
  preRequestTestResults?: Check[];
  postResponseTestResults?: Check[];
}

interface Iteration {
  summary?: { passedRequests?: number };
  results: BruResult[];
}

/** A request passes only when every kind of check it carries passed (bru's own passedRequests). */
function failuresOf(r: BruResult): string[] {
  const checks = [
    ...(r.assertionResults ?? []),
    ...(r.testResults ?? []),
    ...(r.preRequestTestResults ?? []),
    ...(r.postResponseTestResults ?? []),
  ];
  const failed = checks
    .filter((c) => c.status !== 'pass')
    .map((c) => c.error ?? `${c.lhsExpr ?? c.description ?? '?'} ${c.rhsExpr ?? ''}`.trim());
  return r.error ? [r.error, ...failed] : failed;
}

/** The suite's files may be read-only where it is installed; bru needs to write beside them. */
function makeWritable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.mode | 0o200);
  if (stat.isDirectory()) for (const name of readdirSync(path)) makeWritable(join(path, name));
}

let database: TestDatabase;
let api: TestApp;
let moderation: ModerationServer;
let workDir: string;
/** Every log line the API wrote during the run (pino JSON, info level, as a worker logs). */
const logLines: string[] = [];
// The secret startTestApp signs with.
const JWT_SECRET = 'test-secret-not-for-production';

/** Every non-empty password the suite sends, read from its request files. */
function suitePasswords(dir: string): string[] {
  const found = new Set<string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.bru'))
        for (const m of readFileSync(path, 'utf8').matchAll(/"password"\s*:\s*"([^"]+)"/g))
          found.add(m[1] as string);
    }
  };
  walk(dir);
  return [...found];
}

before(async () => {
  assert.ok(existsSync(SUITE), `the RealWorld bruno suite is missing: expected it at ${SUITE}`);
  assert.ok(existsSync(BRU), `the Bruno CLI is missing at ${BRU}: run npm ci`);
  database = await startTestDatabase();
  // With the data layer production runs (guard, cache, deadlines): the suite's read-after-write
  // checks then cover cache invalidation, and every request goes through the guard.
  // The budget is raised from 1 s: the suite checks the API's semantics, and on a loaded machine a
  // registration's scrypt hash can eat a 1 s deadline; deadlines have tests of their own.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  // Articles and comments are checked by a real moderation service, as in production.
  moderation = await startModerationServer({ host: '127.0.0.1', port: 0, authorize: async () => undefined });
  api = await startTestApp(
    database.url,
    { 'guard.requestBudgetMs': '10000' },
    { production: true, logger: pino({ level: 'info' }, sink), moderationUrl: moderation.url },
  );
  workDir = mkdtempSync(join(tmpdir(), 'bulwark-bruno-'));
  // bru writes beside the collection, so it runs from a copy.
  cpSync(SUITE, join(workDir, 'bruno'), { recursive: true });
  makeWritable(join(workDir, 'bruno'));
});

after(async () => {
  await api?.close();
  await moderation?.close();
  await database?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('the official RealWorld suite passes every one of its 154 requests', { timeout: 300_000 }, async () => {
  const collection = join(workDir, 'bruno');
  const rows: { folder: string; passed: number; total: number }[] = [];
  const failing: string[] = [];
  for (const folder of FOLDERS) {
    const out = join(workDir, `${folder}.json`);
    const args = [
      'run',
      folder,
      '--env',
      'local',
      '--env-var',
      `host=${api.baseUrl}`,
      '--sandbox',
      'safe',
      '--reporter-json',
      out,
    ];
    // bru exits non-zero when a request fails; the report is read either way.
    const outcome = await run(BRU, args, { cwd: collection, maxBuffer: 64 * 1024 * 1024 }).catch(
      (err: { stdout?: string; stderr?: string }) => err,
    );
    assert.ok(
      existsSync(out),
      `bru wrote no report for ${folder}:\n${outcome.stdout ?? ''}\n${outcome.stderr ?? ''}`,
    );
    const report = JSON.parse(readFileSync(out, 'utf8')) as Iteration[] | Iteration;
    const iterations = Array.isArray(report) ? report : [report];
    const results = iterations.flatMap((r) => r.results);
    let passed = 0;
    for (const r of results) {
      const failures = failuresOf(r);
      if (failures.length === 0) passed++;
      else failing.push(`${r.test?.filename ?? r.request?.url}: ${failures.join('; ')}`);
    }
    // bru's own summary counts the same way; disagreeing means this reading of the report is wrong.
    const bruPassed = iterations.reduce((n, r) => n + (r.summary?.passedRequests ?? 0), 0);
    assert.equal(
      passed,
      bruPassed,
      `${folder}: counted ${passed} passing requests, bru's summary says ${bruPassed}`,
    );
    rows.push({ folder, passed, total: results.length });
  }
  const passed = rows.reduce((n, r) => n + r.passed, 0);
  const total = rows.reduce((n, r) => n + r.total, 0);
  console.log(
    [
      'folder                 passed / total',
      ...rows.map((r) => `${r.folder.padEnd(22)} ${String(r.passed).padStart(6)} / ${r.total}`),
      `${'all'.padEnd(22)} ${String(passed).padStart(6)} / ${total}`,
    ].join('\n'),
  );
  assert.equal(total, EXPECTED, `the suite ran ${total} requests, expected ${EXPECTED}`);
  assert.equal(passed, EXPECTED, `${EXPECTED - passed} requests failed:\n${failing.join('\n')}`);
});

test('no log line of the whole run holds a password, a token or the JWT secret', () => {
  const passwords = suitePasswords(SUITE);
  assert.ok(passwords.includes('password123'), `the suite's passwords were found: ${passwords.join(', ')}`);
  const requestLines = logLines.filter((l) => JSON.parse(l).msg === 'request');
  assert.ok(requestLines.length >= EXPECTED, `one line per request: ${requestLines.length} lines`);
  const leaks: string[] = [];
  for (const line of logLines) {
    for (const p of passwords) if (line.includes(p)) leaks.push(`password ${p}: ${line}`);
    if (line.includes(JWT_SECRET)) leaks.push(`JWT secret: ${line}`);
    // Every token Bulwark issues is a JWT: three base64url parts, the first a JSON header.
    if (/eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(line)) leaks.push(`token: ${line}`);
    if (/authorization/i.test(line)) leaks.push(`authorization header: ${line}`);
  }
  assert.deepEqual(leaks, []);
});
