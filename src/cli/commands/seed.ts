import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig, OPTIONS } from '../../config/index.js';
import {
  DEFAULT_DEMO_PASSWORD,
  demoUser,
  migrateDatabase,
  openDatabaseServer,
  seedDemo,
} from '../../data/index.js';
import { BulwarkError } from '../../errors/index.js';
import { EXIT } from '../exit.js';

/** Shorthands: `--users 500` is `--seed.users 500`. */
const SIZE_FLAGS = ['users', 'articles', 'follows', 'favorites', 'comments', 'tags'] as const;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(OPTIONS.map((o) => [o.path, { type: 'string' as const }])),
        ...Object.fromEntries(SIZE_FLAGS.map((name) => [name, { type: 'string' as const }])),
        force: { type: 'boolean' as const },
        password: { type: 'string' as const },
      },
    }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new BulwarkError('CONFIG_ERR_INVALID', `invalid arguments: ${(err as Error).message}`);
  }
}

/**
 * `bulwark seed [--users N --articles N --follows N --favorites N --comments N --tags N] [--force]
 * [--password P] [--<option> value ...]`: loads the demo dataset into the configured database, or the
 * embedded one under dataDir (started, migrated and stopped again). Refuses a database that has
 * users unless --force, which replaces everything.
 */
export async function seedCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  const flags: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string' || name === 'password') continue;
    flags[(SIZE_FLAGS as readonly string[]).includes(name) ? `seed.${name}` : name] = value;
  }
  const loaded = loadConfig({ flags });
  if (!loaded.ok)
    throw new BulwarkError(
      'CONFIG_ERR_INVALID',
      `invalid configuration:\n  - ${loaded.problems.join('\n  - ')}`,
    );
  const { config } = loaded;
  const password = typeof values.password === 'string' ? values.password : DEFAULT_DEMO_PASSWORD;

  const server = await openDatabaseServer(config);
  try {
    await migrateDatabase(server.url);
    const client = new pg.Client({ connectionString: server.url, application_name: 'bulwark-seed' });
    await client.connect();
    try {
      const sizes = Object.entries(config.seed).filter(([k]) => k !== 'onFirstStart');
      process.stdout.write(
        `seeding ${server.mode} database: ${sizes.map(([k, v]) => `${k}=${v}`).join(' ')}\n`,
      );
      const result = await seedDemo(client, config.seed, {
        replace: values.force === true,
        password,
        onStep: (s) =>
          process.stdout.write(
            `  ${s.step.padEnd(16)}${String(s.rows).padStart(9)} rows ${String(s.ms).padStart(7)} ms\n`,
          ),
      });
      if (!result.ok) {
        process.stderr.write(`bulwark: ${result.message}\n`);
        return EXIT.failure;
      }
      process.stdout.write(`  ${'total'.padEnd(31)}${String(result.totalMs).padStart(7)} ms\n`);
      process.stdout.write(
        `demo login: ${demoUser(1).email} (any user<N>@...) with the password "${password}" (demo data only)\n`,
      );
      return EXIT.ok;
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
  }
}
