import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A child process that speaks JSON lines on stdout. */
export interface JsonChild {
  child: ChildProcess;
  /** Resolves with the first line (already seen or still to come) that matches. */
  waitFor<T>(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
  onLine(listener: (line: Record<string, unknown>) => void): void;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Runs `bench/<file>` through tsx in its own process, with one JSON argument. */
export function spawnBenchScript(file: string, arg: unknown): JsonChild {
  const script = fileURLToPath(new URL(file, import.meta.url));
  return wrap(
    spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(arg)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

export function wrap(child: ChildProcess): JsonChild {
  const lines: Record<string, unknown>[] = [];
  const listeners: ((line: Record<string, unknown>) => void)[] = [];
  let buffer = '';
  let errText = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const raw = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const l of [...listeners]) l(line);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    errText = (errText + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const onLine = (listener: (line: Record<string, unknown>) => void) => {
    listeners.push(listener);
  };
  return {
    child,
    onLine,
    stderr: () => errText,
    exited,
    waitFor<T>(match: (line: Record<string, unknown>) => boolean, timeoutMs = 120_000): Promise<T> {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no expected output within ${timeoutMs} ms; stderr: ${errText.slice(-2000)}`));
        }, timeoutMs);
        onLine((line) => {
          if (!match(line)) return;
          clearTimeout(timer);
          resolve(line as T);
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`exited (code ${code}, signal ${signal}); stderr: ${errText.slice(-2000)}`));
        });
      });
    },
    async stop(graceMs = 5_000) {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
