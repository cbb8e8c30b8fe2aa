// The diagnosis trials, repeated: for each shape, one stack, N onsets, and the accuracy and time to
// verdict. `node --import tsx bench/diagnosis-trials.ts [--n 10] [--shapes missing-index,db-latency]`
import { loadavg } from 'node:os';
import {
  openTrialEnv,
  runTrial,
  TRIAL_SHAPES,
  type TrialResult,
  type TrialShape,
} from '../test/support/diagnosis-trials.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const n = Number(arg('n') ?? 10);
const shapes = (arg('shapes')?.split(',') ?? [...TRIAL_SHAPES]) as TrialShape[];
for (const s of shapes)
  if (!TRIAL_SHAPES.includes(s)) throw new Error(`unknown shape ${s}; one of ${TRIAL_SHAPES.join(', ')}`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : Number.NaN;
};

const summary: string[] = [];
for (const shape of shapes) {
  const results: TrialResult[] = [];
  let env: Awaited<ReturnType<typeof openTrialEnv>> | undefined;
  try {
    env = await openTrialEnv(shape);
    for (let i = 0; i < n; i++) {
      const r = await runTrial(env, shape).catch(
        (err: Error): TrialResult => ({
          shape,
          correct: false,
          timeToVerdictMs: null,
          top: null,
          healthy: [],
          reason: err.message,
          load: { sent: 0, byStatus: {}, failures: 0 },
        }),
      );
      results.push(r);
      console.log(
        JSON.stringify({
          shape,
          run: i + 1,
          correct: r.correct,
          timeToVerdictMs: r.timeToVerdictMs,
          top: r.top
            ? `${r.top.component}${r.top.target ? `[${r.top.target}]` : ''} ${Math.round(r.top.confidence * 100)}%: ${r.top.summary}`
            : null,
          reason: r.reason,
          requests: r.load.sent,
          load1: loadavg()[0]?.toFixed(2),
        }),
      );
    }
  } catch (err) {
    console.log(JSON.stringify({ shape, error: (err as Error).message }));
  } finally {
    await env?.close();
  }
  const ok = results.filter((r) => r.correct);
  const times = ok.map((r) => r.timeToVerdictMs as number);
  summary.push(
    `${shape.padEnd(16)} ${ok.length}/${results.length} correct   time to verdict median ${Number.isNaN(median(times)) ? '-' : `${(median(times) / 1000).toFixed(1)} s`}, max ${times.length ? `${(Math.max(...times) / 1000).toFixed(1)} s` : '-'}`,
  );
}
console.log(
  `\ndiagnosis trials, n = ${n}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const line of summary) console.log(line);
