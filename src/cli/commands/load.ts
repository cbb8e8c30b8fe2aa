import { DEFAULT_DEMO_PASSWORD } from '../../data/index.js';
import { BulwarkError } from '../../errors/index.js';
import { loadCli, UsageError } from '../../load/index.js';

/** `bulwark load <scenario>`: the open-model load generator (see docs/load.md). */
export async function loadCommand(argv: string[]): Promise<number> {
  try {
    return await loadCli(argv, { demoPassword: DEFAULT_DEMO_PASSWORD });
  } catch (err) {
    if (err instanceof UsageError) throw new BulwarkError('CONFIG_ERR_INVALID', err.message);
    throw err;
  }
}
