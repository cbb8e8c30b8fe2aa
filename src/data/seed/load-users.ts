import type { SeedContext } from './context.js';
import { demoUser, sentence } from './demo-text.js';
import { STREAM } from './shape.js';
import { uniform } from './sql-random.js';
import { userJoinedDaysAgo } from './timeline.js';

// Names are made in TypeScript (demoUser is the one definition a load generator also uses) and sent
// as arrays; chunks keep a single statement's parameters to a few megabytes at any size.
const CHUNK = 50_000;

/** Users, joined evenly over the span (see timeline.ts), all with the one demo password hash. */
export async function loadUsers({ client, sizes, anchor, passwordHash }: SeedContext): Promise<number> {
  const n = sizes.users;
  for (let start = 1; start <= n; start += CHUNK) {
    const ids: number[] = [];
    const usernames: string[] = [];
    const emails: string[] = [];
    for (let id = start; id < Math.min(start + CHUNK, n + 1); id++) {
      const user = demoUser(id);
      ids.push(id);
      usernames.push(user.username);
      emails.push(user.email);
    }
    await client.query(
      `INSERT INTO users (id, username, email, password_hash, bio, image, created_at, updated_at)
       SELECT t.id, t.username, t.email, $4,
              CASE WHEN ${uniform('t.id', STREAM.userTime + 100)} < 0.6 THEN ${sentence('t.id', STREAM.userTime + 200)} END,
              NULL, t.at, t.at
         FROM (SELECT u.id, u.username, u.email,
                      $5::timestamptz - interval '1 day' * ${userJoinedDaysAgo('u.id', n, uniform('u.id', STREAM.userTime))} AS at
                 FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, username, email)) t`,
      [ids, usernames, emails, passwordHash, anchor],
    );
  }
  return n;
}
