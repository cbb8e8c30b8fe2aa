import { type Config, loadConfig } from '../config/index.js';
import { BulwarkError } from '../errors/index.js';
import { parseArgs } from './args.js';

/** Parses a subcommand's arguments and resolves the configuration, throwing every problem at once. */
export function configFromArgv(
  argv: readonly string[],
  switches: readonly string[] = [],
): { config: Readonly<Config>; switches: Set<string>; positionals: string[] } {
  const args = parseArgs(argv, switches);
  const result = loadConfig({ flags: args.flags });
  const problems = [...args.unknown, ...(result.ok ? [] : result.problems)];
  if (problems.length > 0 || !result.ok) {
    throw new BulwarkError('CONFIG_ERR_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return { config: result.config, switches: args.switches, positionals: args.positionals };
}
