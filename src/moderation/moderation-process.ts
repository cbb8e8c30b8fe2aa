import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/** Set in the environment of the process that `bin/bulwark.js` should run as the moderation service. */
export const MODERATION_ROLE_ENV = 'BULWARK_ROLE';
export const MODERATION_ROLE = 'moderation';

/** The supervisor's first message to the child; the token guards the fault endpoint. */
export interface ModerationStart {
  type: 'start';
  host: string;
  port: number;
  opsToken: string;
}
export type ModerationReady = { type: 'listening'; url: string } | { type: 'failed'; message: string };

export interface ModerationProcess {
  url: string;
  /** The process serving now (it changes when a dead one is replaced). */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/bulwark.js', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const RESTART_DELAY_MS = 1_000;

function spawnChild(start: ModerationStart): { child: ChildProcess; ready: Promise<string> } {
  const child = fork(BIN, [], {
    env: { ...process.env, [MODERATION_ROLE_ENV]: MODERATION_ROLE },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the moderation service did not start in time')),
      START_TIMEOUT_MS,
    );
    child.once('message', (m: ModerationReady) => {
      clearTimeout(timer);
      if (m.type === 'listening') resolve(m.url);
      else reject(new Error(`the moderation service could not start: ${m.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the moderation service exited while starting (code ${code}, signal ${signal})`));
    });
  });
  child.send(start);
  return { child, ready };
}

/**
 * The moderation service in a process of its own, as the external API it stands for would be: it
 * shares no event loop with the supervisor, whose periodic work (metrics, the diagnosis, incidents)
 * would otherwise hold up a moderation answer, and so every comment posted, for as long as that work
 * runs. If it dies it is started again on the same port after a second; meanwhile the workers'
 * circuit breaker accepts new content and flags it for review, as for any outage of the dependency.
 */
export async function startModerationProcess(
  options: { host: string; port: number; opsToken: string },
  log: Logger,
): Promise<ModerationProcess> {
  let stopping = false;
  let current = spawnChild({ type: 'start', ...options });
  const url = await current.ready.catch((err: Error) => {
    current.child.kill('SIGKILL');
    throw err;
  });
  const port = Number(new URL(url).port);

  const watch = (child: ChildProcess) => {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      log.error({ code, signal, component: 'moderation' }, 'the moderation service exited; restarting it');
      setTimeout(() => {
        if (stopping) return;
        current = spawnChild({ type: 'start', ...options, port });
        current.ready.then(
          () => watch(current.child),
          (err: Error) =>
            log.error({ err, component: 'moderation' }, 'the moderation service did not restart'),
        );
      }, RESTART_DELAY_MS).unref();
    });
  };
  watch(current.child);

  return {
    url,
    get pid() {
      return current.child.pid;
    },
    async close() {
      stopping = true;
      const { child } = current;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
