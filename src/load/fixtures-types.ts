/** An article as a journey needs it: where it lives and who wrote it. */
export interface ArticleRef {
  slug: string;
  author: string;
}

export interface SignedInUser {
  email: string;
  username: string;
  token: string;
}

/** What journeys draw from, read from the target before the run (never from constants). */
export interface Fixtures {
  /** Articles of the first pages: the recent, popular ones. */
  hot: ArticleRef[];
  /** Articles spread over the whole dataset. */
  cold: ArticleRef[];
  usernames: string[];
  tags: string[];
  signedIn: SignedInUser[];
  /** The demo users' password, for the login journey. */
  demoPassword: string;
  /** A fresh password for accounts the sign-up journey creates (random per run). */
  newPassword: string;
}
