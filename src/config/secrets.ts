import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './schema.js';

/**
 * The JWT signing secret: `auth.jwtSecret` when given (environment JWT_SECRET), otherwise generated
 * once and kept in `<dataDir>/jwt-secret` (mode 600), so tokens survive restarts and no secret ever
 * lives in the code.
 */
export function resolveJwtSecret(config: Readonly<Config>): string {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
