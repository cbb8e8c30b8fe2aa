import { OPTIONS } from '../config/index.js';

export interface ParsedArgs {
  /** Dotted config paths given as `--http.port 3001` or `--http.port=3001`. */
  flags: Record<string, string>;
  /** Flags that are not configuration options (`--force`, `--markdown`). */
  switches: Set<string>;
  positionals: string[];
  unknown: string[];
}

/** Splits a command line into configuration flags, switches and positionals. */
export function parseArgs(argv: readonly string[], allowedSwitches: readonly string[] = []): ParsedArgs {
  const options = new Set(OPTIONS.map((o) => o.path));
  const result: ParsedArgs = { flags: {}, switches: new Set(), positionals: [], unknown: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      result.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (allowedSwitches.includes(name) && inline === undefined) {
      result.switches.add(name);
    } else if (options.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) result.unknown.push(`--${name} needs a value`);
      else result.flags[name] = value;
    } else {
      result.unknown.push(`--${name}: unknown option`);
    }
  }
  return result;
}
