/**
 * How often each route's requests need a database connection, learned from the requests themselves
 * (an exponentially weighted mean of "asked the guard for a connection", per route template). A
 * route that almost always does (writes, uncached reads, reads whose cache the writes keep
 * invalidating) may be refused on arrival while its lane is full; one the cache mostly answers must
 * not be, or overload of the database would turn away reads that never touch it.
 */
export interface RouteReach {
  /** True when the route's recent requests nearly all reached the database. */
  needsDatabase(route: string): boolean;
  /** One finished request of `route` (not one refused on arrival: that says nothing new). */
  record(route: string, reachedDatabase: boolean): void;
}

export interface RouteReachOptions {
  /** Weight of each new request (0.1: about the last twenty count). */
  weight?: number;
  /** Share of requests reaching the database past which a route counts as needing it (0.9). */
  threshold?: number;
}

export function createRouteReach(options: RouteReachOptions = {}): RouteReach {
  const weight = options.weight ?? 0.1;
  const threshold = options.threshold ?? 0.9;
  // Starts at 0: a route is let through until its own requests have shown that they need the database.
  const share = new Map<string, number>();
  return {
    needsDatabase: (route) => (share.get(route) ?? 0) >= threshold,
    record(route, reachedDatabase) {
      const before = share.get(route) ?? 0;
      share.set(route, before + weight * ((reachedDatabase ? 1 : 0) - before));
    },
  };
}
