import { randomBytes } from 'node:crypto';

const MAX_BASE = 80;

/**
 * A URL-safe slug from the title plus a random suffix: `how-to-train-your-dragon-k3q9x2m1`. The suffix
 * makes equal titles (allowed by RealWorld) distinct without a read-then-write race; the caller still
 * retries on the rare unique violation.
 */
export function slugOf(title: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_BASE)
    .replace(/-+$/, '');
  const suffix = randomBytes(6).readUIntBE(0, 6).toString(36).padStart(8, '0').slice(-8);
  return base ? `${base}-${suffix}` : suffix;
}
