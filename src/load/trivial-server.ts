import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface TrivialServer {
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./trivial-server-main.ts', import.meta.url));

/** Starts the trivial server in its own process on a free loopback port. */
export async function startTrivialServer(delayMs = 0): Promise<TrivialServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify({ port: 0, delayMs })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('the trivial server did not start in 30 s')), 30_000);
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /"port":(\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => reject(new Error('the trivial server exited before listening')));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
