import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './schema.js';

/**
 * A secret generated once and kept in `<dataDir>/<name>` (mode 600), so it survives restarts and
 * no secret ever lives in the code. Two processes starting together: `wx` lets only one write it.
 */
function keptSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
  return secret;
}

/**
 * The JWT signing secret: `auth.jwtSecret` when given (environment JWT_SECRET), otherwise generated
 * once and kept in `<dataDir>/jwt-secret`.
 */
export function resolveJwtSecret(config: Readonly<Config>): string {
  return config.auth.jwtSecret || keptSecret(config.dataDir, 'jwt-secret');
}

/**
 * The bearer token for ops writes: `ops.token` when given (environment BULWARK_OPS_TOKEN),
 * otherwise generated once and kept in `<dataDir>/ops-token`, where an operator reads it.
 */
export function resolveOpsToken(config: Readonly<Config>): string {
  return config.ops.token || keptSecret(config.dataDir, 'ops-token');
}
