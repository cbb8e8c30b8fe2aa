const TOKEN = /^(?:Token|Bearer) +[\w-]+\.([\w-]+)\.[\w-]+\s*$/i;

/**
 * Who sent a request, for counting users in an incident's impact: the verified viewer when the
 * route checked the token; otherwise the token's subject read without verification (routes such
 * as /api/tags never look at the token, and a request shed before its route never gets that far),
 * so one signed-in user counts once across all routes; otherwise the client address. The unverified
 * subject is used for this count only, never for access.
 */
export function userKeyOf(
  viewerId: string | undefined,
  authorization: string | undefined,
  ip: string,
): string {
  if (viewerId) return `user:${viewerId}`;
  const payload = authorization ? TOKEN.exec(authorization)?.[1] : undefined;
  if (payload && payload.length < 2048) {
    try {
      const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
      if (typeof sub === 'string' && /^\d{1,19}$/.test(sub)) return `user:${sub}`;
    } catch {
      // not a JWT we can read: count by address
    }
  }
  return `ip:${ip}`;
}
