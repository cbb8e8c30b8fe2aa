// Reading the V8 CPU profiles that `node --cpu-prof` writes (the benchmarks' profile options start
// every stack process with it): which files are the workers', and each busy sample charged to the
// JavaScript file that spent it.
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

/**
 * The HTTP workers' profiles in `dir`: main-thread profiles are `*.0.001.cpuprofile`, and the two
 * largest are the workers' (the supervisor's is smaller).
 */
export function workerProfiles(dir: string, workers = 2): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.0.001.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)
    .slice(0, workers);
}

/** A busy sample: its µs, its own frame's name, and the file it is charged to. */
export interface ChargedSample {
  us: number;
  /** The sampled frame's function name: `(garbage collector)`, `(program)`, `writev`, … */
  leaf: string;
  /** The nearest frame's file that is JavaScript outside Node itself; '' when there is none. */
  file: string;
}

/**
 * Calls `visit` for every sample that is not idle. Native and `node:` frames are charged to their
 * nearest caller in a JavaScript file: a socket write belongs to the library that wrote.
 */
export function forEachBusySample(file: string, visit: (sample: ChargedSample) => void): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const fileOf = new Map<number, string>();
  const chargedFile = (id: number): string => {
    const known = fileOf.get(id);
    if (known !== undefined) return known;
    let at: number | undefined = id;
    let result = '';
    while (at !== undefined) {
      const url = byId.get(at)?.callFrame.url ?? '';
      if (url !== '' && !url.startsWith('node:')) {
        result = url;
        break;
      }
      at = parent.get(at);
    }
    fileOf.set(id, result);
    return result;
  };
  profile.samples.forEach((id, i) => {
    const leaf = byId.get(id)?.callFrame.functionName ?? '';
    if (leaf === '(idle)') return;
    visit({ us: profile.timeDeltas[i] ?? 0, leaf, file: chargedFile(id) });
  });
}

/** The run directories under `root` (`<run>-<variant>`, `hardened`, …), sorted. */
export function runDirectories(root: string): string[] {
  return readdirSync(root)
    .sort()
    .filter((d) => statSync(join(root, d)).isDirectory());
}
