/** How many rows of each kind the demo dataset has; `config.seed` has this shape. */
export interface DemoSizes {
  users: number;
  articles: number;
  follows: number;
  favorites: number;
  comments: number;
  tags: number;
}

/** The size fields, in load order; `config.seed` may carry other fields beside them. */
export const SIZE_NAMES = ['users', 'tags', 'articles', 'follows', 'favorites', 'comments'] as const;

// Unique pairs are drawn from skewed distributions and deduplicated; past half of all possible
// pairs the draws would mostly repeat, so denser requests are refused up front.
const MAX_PAIR_DENSITY = 0.5;

/** Every reason these sizes cannot be seeded, empty when they can. */
export function sizeProblems(sizes: DemoSizes): string[] {
  const problems: string[] = [];
  for (const name of SIZE_NAMES) {
    const value = sizes[name];
    const min = name === 'users' || name === 'tags' || name === 'articles' ? 1 : 0;
    if (!Number.isSafeInteger(value) || value < min)
      problems.push(`${name}: expected an integer >= ${min}, got ${value}`);
  }
  if (problems.length > 0) return problems;
  const followPairs = sizes.users * (sizes.users - 1);
  if (sizes.follows > followPairs * MAX_PAIR_DENSITY) {
    problems.push(
      `follows: ${sizes.follows} is more than half of the ${followPairs} possible pairs of ${sizes.users} users`,
    );
  }
  const favoritePairs = sizes.users * sizes.articles;
  if (sizes.favorites > favoritePairs * MAX_PAIR_DENSITY) {
    problems.push(
      `favorites: ${sizes.favorites} is more than half of the ${favoritePairs} possible (user, article) pairs`,
    );
  }
  return problems;
}
