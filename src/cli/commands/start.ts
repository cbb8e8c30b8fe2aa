import { pino } from 'pino';
import { runSupervisor } from '../../scale/index.js';
import { EXIT } from '../exit.js';
import { configFromArgv } from '../load-config.js';

/** `bulwark start`: runs until SIGINT/SIGTERM, then stops in order and exits 0. */
export async function startCommand(argv: string[]): Promise<number> {
  const { config } = configFromArgv(argv);
  const log = pino({ level: config.log.level, base: { pid: process.pid, role: 'supervisor' } });
  const { stopped } = await runSupervisor(config, log);
  process.stderr.write(
    `Bulwark is up: http://${config.http.host}:${config.http.port}/api (Ctrl-C stops it)\n`,
  );
  await stopped;
  return EXIT.ok;
}
