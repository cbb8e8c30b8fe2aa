import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from '../../src/load/index.js';
import { tempDir } from './stack.js';

export interface LoadProcess {
  child: ChildProcess;
  /** Resolves when the schedule has begun (the generator's first progress line). */
  started: Promise<void>;
  /** Resolves with the exit code once the run and its reports are done. */
  exited: Promise<number | null>;
  output: () => string;
  /** The run's JSON report, once it has exited. */
  result(): LoadResult;
  /** Stops the run if it still goes and removes its scenario and reports. */
  dispose(): Promise<void>;
}

/**
 * Runs `bulwark load` as its own process on a scenario written to a temporary file, the way an
 * operator runs it, so a test measures with the project's generator and reads its JSON report.
 */
export function runLoadProcess(scenario: Record<string, unknown>, baseUrl: string): LoadProcess {
  const dir = tempDir('bulwark-load-');
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario, null, 1));
  const out = join(dir, 'reports');
  const child = spawn(process.execPath, ['bin/bulwark.js', 'load', file, '--url', baseUrl, '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let onStart: () => void = () => {};
  const started = new Promise<void>((r) => {
    onStart = r;
  });
  const collect = (chunk: Buffer) => {
    text += chunk.toString();
    // a progress line ("   1/160 s   123 answers/s …") comes once the schedule runs
    if (/answers\/s/.test(text)) onStart();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    started,
    exited,
    output: () => text,
    result() {
      const json = readdirSync(out).find((f) => f.endsWith('.json') && !f.includes('-compare-'));
      if (!json) throw new Error(`bulwark load wrote no JSON report:\n${text}`);
      return JSON.parse(readFileSync(join(out, json), 'utf8')) as LoadResult;
    },
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
