import { request } from 'undici';
import { formatState, type MonitorState } from '../../monitor/index.js';
import { EXIT } from '../exit.js';
import { configFromArgv } from '../load-config.js';

/** `bulwark diagnose`: the running stack's current verdict, read from its ops server. */
export async function diagnoseCommand(argv: string[]): Promise<number> {
  const { config, switches } = configFromArgv(argv, ['json']);
  const host = config.ops.host.includes(':') ? `[${config.ops.host}]` : config.ops.host;
  const url = `http://${host}:${config.ops.port}/ops/diagnosis`;
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, { headersTimeout: 5000, bodyTimeout: 5000 });
  } catch (err) {
    process.stderr.write(
      `bulwark: cannot reach the ops server at ${url} (${(err as Error).message}); is the stack running? (--ops.port)\n`,
    );
    return EXIT.failure;
  }
  const text = await res.body.text();
  if (res.statusCode !== 200) {
    process.stderr.write(`bulwark: ${url} answered ${res.statusCode}: ${text}\n`);
    return EXIT.failure;
  }
  if (switches.has('json')) {
    process.stdout.write(`${text}\n`);
    return EXIT.ok;
  }
  process.stdout.write(formatState(JSON.parse(text) as MonitorState));
  return EXIT.ok;
}
