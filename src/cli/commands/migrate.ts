import { migrateDatabase, openDatabaseServer } from '../../data/index.js';
import { EXIT } from '../exit.js';
import { configFromArgv } from '../load-config.js';

/** `bulwark migrate`: applies pending migrations to the configured (or embedded) database. */
export async function migrateCommand(argv: string[]): Promise<number> {
  const { config } = configFromArgv(argv);
  const server = await openDatabaseServer(config);
  try {
    const result = await migrateDatabase(server.url);
    process.stdout.write(
      result.applied.length > 0
        ? `applied ${result.applied.join(', ')}; schema version ${result.current}\n`
        : `nothing to apply; schema version ${result.current}\n`,
    );
    return EXIT.ok;
  } finally {
    await server.stop();
  }
}
