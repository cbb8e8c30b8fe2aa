import pg from 'pg';
import { type DemoSizes, type SeedOptions, type SeedStep, seedDemo } from '../../src/data/index.js';
import { startTestDatabase } from './stack.js';

/** A real, migrated PostgreSQL in a temporary directory (kept as a name for the seed tests). */
export const startScratchDatabase = startTestDatabase;

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
