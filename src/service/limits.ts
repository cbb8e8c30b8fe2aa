/** Upper bounds on what a client may store: big enough for real content, small enough to bound cost. */
export const LIMITS = {
  username: 64,
  email: 254,
  // scrypt's cost grows with the input; NIST 800-63B asks to accept at least 64 characters.
  password: 256,
  passwordMin: 8,
  bio: 4096,
  image: 2048,
  title: 256,
  description: 1024,
  body: 100_000,
  comment: 20_000,
  tag: 64,
  tags: 32,
} as const;
