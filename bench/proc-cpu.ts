import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// CPU time of a process tree from /proc, so a report can say where the two cores went during a
// measurement (HTTP workers, PostgreSQL, the driver). Linux only; elsewhere the sample is empty.

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcTimes {
  ppid: number;
  comm: string;
  /** utime + stime, seconds. */
  cpuSeconds: number;
}

function readAll(): Map<number, ProcTimes> {
  const out = new Map<number, ProcTimes>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // after "pid (comm) ": state ppid ... utime is field 14 overall, i.e. index 11 here
      out.set(Number(entry), {
        ppid: Number(fields[1]),
        comm,
        cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** CPU seconds so far of `root` and its descendants, keyed by pid, with each process's name. */
export type TreeSample = Map<number, { comm: string; ppid: number; cpuSeconds: number }>;

export function sampleTree(root: number): TreeSample {
  const all = readAll();
  const children = new Map<number, number[]>();
  for (const [pid, p] of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const sample: TreeSample = new Map();
  const visit = (pid: number) => {
    const p = all.get(pid);
    if (p) sample.set(pid, { comm: p.comm, ppid: p.ppid, cpuSeconds: p.cpuSeconds });
    for (const c of children.get(pid) ?? []) visit(c);
  };
  visit(root);
  return sample;
}

/** Cores used between two samples, grouped: `postgres` processes and the rest (`node`). */
export function coresUsed(before: TreeSample, after: TreeSample, seconds: number): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const [pid, a] of after) {
    const b = before.get(pid);
    const delta = a.cpuSeconds - (b?.cpuSeconds ?? 0);
    const group = a.comm.startsWith('postgres') ? 'postgres' : 'node';
    groups[group] = (groups[group] ?? 0) + delta / seconds;
  }
  for (const k of Object.keys(groups)) groups[k] = Math.round((groups[k] ?? 0) * 100) / 100;
  return groups;
}
