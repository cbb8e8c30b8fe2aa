import { invalidToken, notFound, taken } from './http-errors.js';

interface PgError {
  code?: string;
  constraint?: string;
}

// Unique indexes whose violation is the client's fault, and the field RealWorld reports it under.
const UNIQUE_FIELDS: Record<string, string> = { users_username_key: 'username', users_email_key: 'email' };

/**
 * Turns the constraint violations a request can provoke into client errors: a username or email that
 * a concurrent request took first (409), and a token whose user no longer exists or an article deleted
 * mid-request (foreign key, 401/404). Anything else is returned unchanged.
 */
export function clientErrorOf(err: unknown): unknown {
  const e = err as PgError;
  if (e?.code === '23505' && e.constraint && UNIQUE_FIELDS[e.constraint])
    return taken([UNIQUE_FIELDS[e.constraint] as string]);
  if (e?.code === '23503' && e.constraint) {
    if (/article_id_fkey$/.test(e.constraint)) return notFound('article');
    if (/(author_id|user_id|follower_id|followee_id)_fkey$/.test(e.constraint)) return invalidToken();
  }
  return err;
}

/** Awaits `promise`, rethrowing constraint violations as the client errors of `clientErrorOf`. */
export async function mapPgErrors<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw clientErrorOf(err);
  }
}
