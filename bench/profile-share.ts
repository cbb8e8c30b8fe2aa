// Telemetry's share of the workers' CPU, read from the V8 CPU profiles that
// `npm run bench:telemetry -- --profile DIR` writes. A share of one process's own samples does not
// move when a neighbour on a shared machine slows everything down, as whole-stack throughput does.
//   node --import tsx bench/profile-share.ts DIR
// For every `<run>-<variant>` directory: the two largest main-thread profiles (the workers; the
// supervisor's is smaller), each sample charged to the nearest frame of a JavaScript file (native
// and `node:` frames are charged to their caller), and that frame counted as telemetry when its file
// is telemetry's own code or a telemetry library. A lower bound: garbage collection (shown apart),
// libuv's thread pool and the supervisor's /metrics work are not in it; the profiles cover the
// processes' whole life, start-up included.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const TELEMETRY = [
  /\/src\/telemetry\//,
  /\/src\/http\/request-telemetry\.ts/,
  /\/src\/scale\/worker-telemetry\.ts/,
  /\/node_modules\/pino\//,
  /\/node_modules\/@opentelemetry\//,
  /\/node_modules\/prom-client\//,
];
const isTelemetry = (url: string) => TELEMETRY.some((re) => re.test(url));

/** µs of busy samples, of them in telemetry, and in garbage collection. */
function shareOf(profile: CpuProfile): { busy: number; telemetry: number; gc: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const charged = new Map<number, boolean>();
  const chargedToTelemetry = (id: number): boolean => {
    const known = charged.get(id);
    if (known !== undefined) return known;
    let at: number | undefined = id;
    let result = false;
    while (at !== undefined) {
      const url = byId.get(at)?.callFrame.url ?? '';
      if (url !== '' && !url.startsWith('node:')) {
        result = isTelemetry(url);
        break;
      }
      at = parent.get(at);
    }
    charged.set(id, result);
    return result;
  };
  const out = { busy: 0, telemetry: 0, gc: 0 };
  profile.samples.forEach((id, i) => {
    const name = byId.get(id)?.callFrame.functionName;
    const us = profile.timeDeltas[i] ?? 0;
    if (name === '(idle)') return;
    out.busy += us;
    if (name === '(garbage collector)') out.gc += us;
    else if (chargedToTelemetry(id)) out.telemetry += us;
  });
  return out;
}

const root = process.argv[2];
if (!root) throw new Error('usage: node --import tsx bench/profile-share.ts DIR');
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
for (const dir of readdirSync(root).sort()) {
  const path = join(root, dir);
  if (!statSync(path).isDirectory()) continue;
  // Main-thread profiles are `*.0.001.cpuprofile`; the workers' are the largest.
  const workers = readdirSync(path)
    .filter((f) => f.endsWith('.0.001.cpuprofile'))
    .map((f) => join(path, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)
    .slice(0, 2);
  const total = { busy: 0, telemetry: 0, gc: 0 };
  for (const file of workers) {
    const s = shareOf(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    total.busy += s.busy;
    total.telemetry += s.telemetry;
    total.gc += s.gc;
  }
  if (total.busy === 0) continue;
  process.stdout.write(
    `${dir.padEnd(14)} workers busy ${(total.busy / 1e6).toFixed(2)} s: telemetry ${pct(total.telemetry, total.busy)}, ` +
      `garbage collection ${pct(total.gc, total.busy)}\n`,
  );
}
