import { SHAPE } from './shape.js';

// When things happen, in days before the anchor. Users join evenly from span + 30 days ago until 3
// days ago; articles appear evenly over the span. Both are formulas of the id, so an article's
// author can be drawn among the users who had joined by then without reading the users table.

const USER_SPAN = SHAPE.spanDays + 27;

/** SQL for the days before the anchor at which user `id` of `users` joined (up to an hour of jitter). */
export function userJoinedDaysAgo(id: string, users: number, jitter: string): string {
  return `(3 + ${USER_SPAN} * (1 - ((${id}) - 1)::float8 / ${users}) - (${jitter}) / 24)`;
}

/** SQL for the days before the anchor at which article `id` of `articles` appeared (1-13 h jitter). */
export function articleDaysAgo(id: string, articles: number, jitter: string): string {
  return `(${SHAPE.spanDays} * (1 - ((${id}) - 0.5)::float8 / ${articles}) + (1 + 12 * (${jitter})) / 24)`;
}

/**
 * SQL for how many users (ids 1..n) had joined more than an hour before `daysAgo`: inverting
 * `userJoinedDaysAgo` with the largest jitter and an hour to spare. Never less than 1: user 1 joined
 * before the first article.
 */
export function usersJoinedBy(daysAgo: string, users: number): string {
  return `greatest(1, least(${users}, ceil(${users} * (1 - ((${daysAgo}) + 2.0 / 24 - 3) / ${USER_SPAN}))::bigint))`;
}
