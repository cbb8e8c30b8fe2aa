import { createSigner, createVerifier } from 'fast-jwt';

export interface TokenService {
  /** A signed HS256 token whose subject is the user id. */
  sign(userId: string): string;
  /** The user id inside a valid token, or `null` when it is malformed, forged or expired. */
  verify(token: string): string | null;
}

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  // fast-jwt takes milliseconds.
  const signer = createSigner({ key: secret, algorithm: 'HS256', expiresIn: ttlSeconds * 1000 });
  // The cache keeps recently verified tokens (it honours their expiry), so a busy client costs one
  // HMAC per token instead of one per request.
  const verifier = createVerifier({
    key: secret,
    algorithms: ['HS256'],
    cache: 10_000,
    requiredClaims: ['sub', 'exp'],
  });
  return {
    sign: (userId) => signer({ sub: userId }),
    verify(token) {
      try {
        const payload = verifier(token) as { sub?: unknown };
        return typeof payload.sub === 'string' && /^[1-9]\d{0,18}$/.test(payload.sub) ? payload.sub : null;
      } catch {
        return null;
      }
    },
  };
}
