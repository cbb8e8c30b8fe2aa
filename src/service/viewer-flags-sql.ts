import type { Queryable } from '../data/index.js';

/** Which of some articles the viewer favorited, and which of some users they follow. */
export interface ViewerFlags {
  favorited: ReadonlySet<string>;
  following: ReadonlySet<string>;
}

export const NO_FLAGS: ViewerFlags = { favorited: new Set(), following: new Set() };

// The per-user half of a cached response, one statement for a whole page: primary-key range probes
// on favorites (user_id, article_id) and follows (follower_id, followee_id), bounded by the ids given.
const FLAGS = `SELECT
  ARRAY(SELECT article_id FROM favorites WHERE user_id = $1 AND article_id = ANY($2::bigint[]))::text[] AS favorited,
  ARRAY(SELECT followee_id FROM follows WHERE follower_id = $1 AND followee_id = ANY($3::bigint[]))::text[] AS following`;

/** No statement for an anonymous viewer or when there is nothing to ask about. */
export async function viewerFlags(
  q: Queryable,
  viewerId: string | null,
  articleIds: readonly string[],
  userIds: readonly string[],
): Promise<ViewerFlags> {
  if (viewerId === null || (articleIds.length === 0 && userIds.length === 0)) return NO_FLAGS;
  const { rows } = await q.query<{ favorited: string[]; following: string[] }>(FLAGS, [
    viewerId,
    [...new Set(articleIds)],
    [...new Set(userIds)],
  ]);
  return { favorited: new Set(rows[0]?.favorited), following: new Set(rows[0]?.following) };
}
