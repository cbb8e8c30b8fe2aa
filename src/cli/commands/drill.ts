import { DEFAULT_DEMO_PASSWORD } from '../../data/index.js';
import { DrillUsageError, drillCli } from '../../drill/index.js';
import { BulwarkError } from '../../errors/index.js';

/** `bulwark drill seed-incident`: the seed outage replayed on both profiles (see docs/drill.md). */
export async function drillCommand(argv: string[]): Promise<number> {
  try {
    return await drillCli(argv, { demoPassword: DEFAULT_DEMO_PASSWORD });
  } catch (err) {
    if (err instanceof DrillUsageError) throw new BulwarkError('CONFIG_ERR_INVALID', err.message);
    throw err;
  }
}
