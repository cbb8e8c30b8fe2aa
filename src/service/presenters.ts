/**
 * Rows as the SQL of this folder selects them, and their RealWorld JSON shapes. A timestamp is a
 * `Date` straight from the driver, or its ISO string when the row came through the query cache.
 */

type Timestamp = Date | string;

export interface ProfileRow {
  username: string;
  bio: string | null;
  image: string | null;
  following: boolean;
}

export interface ArticleRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  body?: string;
  tag_list: string[];
  created_at: Timestamp;
  updated_at: Timestamp;
  favorites_count: number;
  favorited: boolean;
  author_username: string;
  author_bio: string | null;
  author_image: string | null;
  following: boolean;
}

export interface CommentRow {
  id: string;
  body: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  author_username: string;
  author_bio: string | null;
  author_image: string | null;
  following: boolean;
}

/**
 * The parts that are the same for every reader, which the query cache may hold: the per-user flags
 * left out, the ids they are computed from kept.
 */
export type SharedArticleRow = Omit<ArticleRow, 'favorited' | 'following'> & { author_id: string };
export type SharedCommentRow = Omit<CommentRow, 'following'> & { author_id: string };
export type SharedProfileRow = Omit<ProfileRow, 'following'> & { id: string };

export interface UserRow {
  id: string;
  username: string;
  email: string;
  bio: string | null;
  image: string | null;
}

export const profileJson = (p: ProfileRow) => ({
  username: p.username,
  bio: p.bio,
  image: p.image,
  following: p.following,
});

const iso = (t: Timestamp) => (typeof t === 'string' ? t : t.toISOString());

const authorJson = (r: ArticleRow | CommentRow) =>
  profileJson({
    username: r.author_username,
    bio: r.author_bio,
    image: r.author_image,
    following: r.following,
  });

/** List rows carry no body (RealWorld v2 leaves it out of lists), single articles do. */
export function articleJson(r: ArticleRow) {
  return {
    slug: r.slug,
    title: r.title,
    description: r.description,
    ...(r.body === undefined ? {} : { body: r.body }),
    tagList: r.tag_list,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    favorited: r.favorited,
    favoritesCount: r.favorites_count,
    author: authorJson(r),
  };
}

export function commentJson(r: CommentRow) {
  return {
    id: Number(r.id),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    body: r.body,
    author: authorJson(r),
  };
}

export const userJson = (u: UserRow, token: string) => ({
  email: u.email,
  token,
  username: u.username,
  bio: u.bio,
  image: u.image,
});
