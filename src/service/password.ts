import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// Node's default scrypt cost (16 MiB per hash). The parameters travel in the stored string, so
// raising them later only affects new hashes and old ones keep verifying.
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(
  password: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
  keyLength = KEY_LENGTH,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes with a fresh random salt: `scrypt$N$r$p$<salt b64>$<hash b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Compares in constant time; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const [cost, blockSize, parallel] = [Number(n), Number(r), Number(p)];
  // The parameters come from the stored string: bound them so a corrupt row cannot ask for gigabytes.
  if (
    !(cost <= 2 ** 20 && blockSize <= 32 && parallel <= 16 && expected.length >= 16 && expected.length <= 128)
  ) {
    return false;
  }
  // The key length is the stored hash's own, so hashes made with another length keep verifying.
  const key = await derive(password, Buffer.from(salt, 'base64'), cost, blockSize, parallel, expected.length);
  return timingSafeEqual(key, expected);
}

// Verified against when a login names no known email, so that "no such user" costs as much as "wrong
// password" and response time does not reveal which emails are registered.
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
