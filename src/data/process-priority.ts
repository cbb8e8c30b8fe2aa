import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the CPU priority (raises the nice value) of `pid` and of the processes it has forked so far;
 * those it forks later inherit it. Best effort: a process that is gone, or a platform without /proc,
 * keeps what it has. Raising a nice value needs no privilege for one's own processes (and the
 * embedded server runs as this user, or as `postgres` under root), so it never fails for want of
 * rights; lowering it again would, which is why nothing here ever does.
 */
export function lowerPriority(pid: number, nice: number): void {
  if (nice <= 0) return;
  for (const p of [pid, ...childrenOf(pid)]) {
    try {
      setPriority(p, nice);
    } catch {
      // gone already, or not ours
    }
  }
}

function childrenOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}
