// Telemetry's share of the workers' CPU, read from the V8 CPU profiles that
// `npm run bench:telemetry -- --profile DIR` writes. A share of one process's own samples does not
// move when a neighbour on a shared machine slows everything down, as whole-stack throughput does.
//   node --import tsx bench/profile-share.ts DIR
// For every `<run>-<variant>` directory: the two workers' main-thread profiles, each sample charged
// to the nearest frame of a JavaScript file (native and `node:` frames are charged to their caller),
// and that frame counted as telemetry when its file is telemetry's own code or a telemetry library.
// A lower bound: garbage collection (shown apart), libuv's thread pool and the supervisor's /metrics
// work are not in it; the profiles cover the processes' whole life, start-up included.
import { join } from 'node:path';
import { forEachBusySample, runDirectories, workerProfiles } from './cpu-profile.js';

const TELEMETRY = [
  /\/src\/telemetry\//,
  /\/src\/http\/request-telemetry\.ts/,
  /\/src\/scale\/worker-telemetry\.ts/,
  /\/node_modules\/pino\//,
  /\/node_modules\/@opentelemetry\//,
  /\/node_modules\/prom-client\//,
];
const isTelemetry = (url: string) => TELEMETRY.some((re) => re.test(url));

const root = process.argv[2];
if (!root) throw new Error('usage: node --import tsx bench/profile-share.ts DIR');
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
for (const dir of runDirectories(root)) {
  const total = { busy: 0, telemetry: 0, gc: 0 };
  for (const file of workerProfiles(join(root, dir))) {
    forEachBusySample(file, (s) => {
      total.busy += s.us;
      if (s.leaf === '(garbage collector)') total.gc += s.us;
      else if (isTelemetry(s.file)) total.telemetry += s.us;
    });
  }
  if (total.busy === 0) continue;
  process.stdout.write(
    `${dir.padEnd(14)} workers busy ${(total.busy / 1e6).toFixed(2)} s: telemetry ${pct(total.telemetry, total.busy)}, ` +
      `garbage collection ${pct(total.gc, total.busy)}\n`,
  );
}
