// The shape of the demo data: who is popular and how much. Exponents are Zipf's s (1 = classic
// Zipf, each rank about 1/r of the top); roles pick which ids form the head (see `rankToId`).

export const SHAPE = {
  /** Articles per author, among the users who had joined (earliest first): a few wrote thousands. */
  authors: { s: 1.0 },
  /** Tags per article: the top tag is on about 1 in 10 tag assignments. */
  tags: { s: 1.0, role: 0 },
  /** Tags on one article: 0 to 6, 3 on average. */
  tagsPerArticleMax: 6,
  /** Who follows: a few users follow thousands. */
  followers: { s: 0.9, role: 3 },
  /** Who is followed: the prolific authors, so the heavy followers' feeds are busy. */
  followees: { s: 1.0, role: 0 },
  /** Who favorites: heavy-tailed, but flatter than authorship. */
  favoriters: { s: 0.8, role: 1 },
  /** What is favorited: a few articles collect thousands of favorites. */
  favorited: { s: 0.75, role: 2 },
  /** Which articles get comments: the same head as favorites, a flatter tail. */
  commented: { s: 0.8, role: 2 },
  /** Who comments. */
  commenters: { s: 0.8, role: 1 },
  /** The demo covers about two years before the anchor. */
  spanDays: 730,
} as const;

/** Hash streams, one per independent draw, so adding a draw never shifts another. */
export const STREAM = {
  userTime: 1,
  articleAuthor: 10,
  articleTime: 11,
  articleTitle: 12,
  articleText: 13,
  tagCount: 20,
  tagPick: 21,
  followFrom: 30,
  followTo: 31,
  followTime: 32,
  favoriteUser: 40,
  favoriteArticle: 41,
  favoriteTime: 42,
  commentArticle: 50,
  commentAuthor: 51,
  commentTime: 52,
  commentText: 53,
} as const;
