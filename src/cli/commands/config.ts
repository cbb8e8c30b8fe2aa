import { OPTIONS } from '../../config/index.js';
import { EXIT } from '../exit.js';
import { configFromArgv } from '../load-config.js';

const SECRET_PATHS = new Set(['auth.jwtSecret', 'ops.token', 'database.url', 'cache.redisUrl']);
const URL_PATHS = new Set(['database.url', 'cache.redisUrl']);

/** The effective value with secrets masked: a URL keeps its host, never its password. */
function shown(path: string, value: unknown): unknown {
  if (!SECRET_PATHS.has(path) || value === '') return value;
  if (URL_PATHS.has(path)) return String(value).replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return '***';
}

function get(config: object, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], config);
}

/** The option reference as a Markdown table; `docs/config.md` embeds it and a test keeps them equal. */
export function optionsMarkdown(): string {
  const rows = OPTIONS.map((o) => {
    const def = JSON.stringify(o.default);
    return `| \`${o.path}\` | \`${o.env}\` | ${o.type} | \`${def}\` | ${o.description} |`;
  });
  return ['| option | environment | type | default | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `bulwark config`: every option's effective value (after file, environment and flags). */
export async function configCommand(argv: string[]): Promise<number> {
  const { config, switches } = configFromArgv(argv, ['markdown', 'json']);
  if (switches.has('markdown')) {
    process.stdout.write(`${optionsMarkdown()}\n`);
    return EXIT.ok;
  }
  if (switches.has('json')) {
    const masked = structuredClone(config) as {
      database: { url: string };
      cache: { redisUrl: string };
      auth: { jwtSecret: string };
      ops: { token: string };
    };
    masked.database.url = String(shown('database.url', masked.database.url));
    masked.cache.redisUrl = String(shown('cache.redisUrl', masked.cache.redisUrl));
    masked.auth.jwtSecret = String(shown('auth.jwtSecret', masked.auth.jwtSecret));
    masked.ops.token = String(shown('ops.token', masked.ops.token));
    process.stdout.write(`${JSON.stringify(masked, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...OPTIONS.map((o) => o.path.length));
  for (const o of OPTIONS) {
    process.stdout.write(`${o.path.padEnd(width)}  ${JSON.stringify(shown(o.path, get(config, o.path)))}\n`);
  }
  return EXIT.ok;
}
