import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type DemoSizes,
  migrate,
  type SeedOptions,
  type SeedStep,
  seedDemo,
  startEmbeddedPostgres,
} from '../../src/data/index.js';
import { freePort, type TestDatabase } from './stack.js';

/**
 * Like `startTestDatabase`, but the temporary directory is opened to other users: as root the
 * server runs as `postgres`, which must be able to enter it (mkdtemp makes it 0700).
 */
export async function startScratchDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-seed-'));
  chmodSync(dir, 0o711);
  const server = await startEmbeddedPostgres({
    dir: join(dir, 'pg'),
    port: await freePort(),
    database: 'conduit',
  });
  const client = new pg.Client(server.url);
  await client.connect();
  try {
    await migrate(client);
  } finally {
    await client.end();
  }
  return {
    url: server.url,
    dir,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fixed "now" for the demo data, so two seeded databases can be compared row for row. */
export const TEST_ANCHOR = new Date('2026-01-01T00:00:00Z');

/** Seeds `url` on a connection of its own and returns the steps; throws when the seed refuses. */
export async function seedInto(
  url: string,
  sizes: DemoSizes,
  options: SeedOptions = {},
): Promise<{ steps: SeedStep[]; totalMs: number }> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const result = await seedDemo(client, sizes, { anchor: TEST_ANCHOR, ...options });
    if (!result.ok) throw new Error(result.message);
    return result;
  } finally {
    await client.end();
  }
}
