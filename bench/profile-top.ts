// Where the HTTP workers' CPU went, read from the V8 CPU profiles that a benchmark's profile option
// writes (`npm run bench:guard -- --cpu-profile DIR`, `npm run bench:telemetry -- --profile DIR`):
//   node --import tsx bench/profile-top.ts DIR [N]
// For every run directory: the workers' busy time by package (node_modules) or project directory
// (src/data/guard, …), each sample charged as bench/profile-share.ts charges it (native and `node:`
// frames to their nearest JavaScript caller), then the N functions with the most time of their
// own, with the package each was charged to: that is where a socket write (`writev`) or garbage
// collection shows, and whose it was. The profiles cover the processes' whole life, start-up
// included.
import { join } from 'node:path';
import { forEachBusySample, runDirectories, workerProfiles } from './cpu-profile.js';

/** `fastify`, `@opentelemetry/api`, `src/data/guard`, or the URL itself for anything else. */
function ownerOf(url: string): string {
  if (url === '') return '(no JavaScript caller)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /\/((?:src|bench|bin)\/(?:[^/]+\/)*)[^/]+$/.exec(url);
  return own?.[1] ? own[1].replace(/\/$/, '') : url;
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

const [root, topArg] = process.argv.slice(2);
if (!root) throw new Error('usage: node --import tsx bench/profile-top.ts DIR [N]');
const top = Number(topArg ?? 15);
if (!Number.isInteger(top) || top <= 0) throw new Error(`N must be a positive integer, got "${topArg}"`);

for (const dir of runDirectories(root)) {
  let busy = 0;
  const byOwner = new Map<string, number>();
  const byLeaf = new Map<string, number>();
  for (const file of workerProfiles(join(root, dir))) {
    forEachBusySample(file, (s) => {
      busy += s.us;
      const owner = ownerOf(s.file);
      add(byOwner, owner, s.us);
      add(byLeaf, `${s.leaf || '(anonymous)'} [${owner}]`, s.us);
    });
  }
  if (busy === 0) continue;
  const lines = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `    ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  process.stdout.write(
    `${dir}: workers busy ${(busy / 1e6).toFixed(2)} s\n  by package or directory:\n${lines(byOwner)}\n` +
      `  by function, own time [charged to]:\n${lines(byLeaf)}\n`,
  );
}
