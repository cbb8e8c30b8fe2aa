import { BulwarkError } from '../errors/index.js';

/** Exit codes of the `bulwark` command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The one CLI exit path: a clear message on stderr, no stack trace unless BULWARK_DEBUG is set. */
export function fail(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof BulwarkError ? `${err.code}: ` : '';
  process.stderr.write(`bulwark: ${code}${message}\n`);
  if (process.env.BULWARK_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return err instanceof BulwarkError && err.code === 'CONFIG_ERR_INVALID' ? EXIT.usage : EXIT.failure;
}
