import { createHash, scrypt } from 'node:crypto';

/** The password every demo user shares. Demo data only: never a real account's password. */
export const DEFAULT_DEMO_PASSWORD = 'conduit-demo';

// The format the service's login verifies (src/service/password.ts, which the data layer may not
// import): scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>. Its verifier derives a 32-byte key, so the
// key is 32 bytes here too; the seed test verifies this hash with the service's own function.
const N = 16_384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/**
 * Hashes `password` once; every demo user reuses the result (10k scrypt runs would take minutes).
 * The salt is derived from the password, not random, so the same sizes give byte-identical data; a
 * salt guards distinct secrets from each other, and here every account shares one public secret.
 */
export function hashDemoPassword(password: string): Promise<string> {
  const salt = createHash('sha256').update(`bulwark-demo-salt:${password}`).digest().subarray(0, 16);
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P }, (err, key) => {
      if (err) reject(err);
      else resolve(`scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`);
    });
  });
}
