import type { QueryClass } from '../data/index.js';

/**
 * Each route's query class, which decides its bulkhead share and statement timeout in the guard.
 * Listings and the feed are heavy: they read many rows, and in the seed outage they were the slow,
 * unindexed queries that took every connection. Auth, writes and single-article reads stay critical,
 * so a flood of listings cannot stop a user from signing in or posting. Unlisted routes are critical.
 */
const HEAVY_ROUTES = new Set(['GET /api/articles', 'GET /api/articles/feed']);

export function queryClassOf(method: string, routeUrl: string | undefined): QueryClass {
  return routeUrl && HEAVY_ROUTES.has(`${method} ${routeUrl}`) ? 'heavy' : 'critical';
}
