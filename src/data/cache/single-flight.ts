/**
 * Collapses concurrent calls for one key into one execution: the first caller runs `fn`, later
 * callers get the same promise (its value or its rejection) until it settles.
 */
export interface SingleFlight {
  run<T>(key: string, fn: () => Promise<T>): { promise: Promise<T>; leader: boolean };
  has(key: string): boolean;
  readonly inFlight: number;
}

export function createSingleFlight(): SingleFlight {
  const flights = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, fn: () => Promise<T>) {
      const running = flights.get(key);
      if (running !== undefined) return { promise: running as Promise<T>, leader: false };
      const promise = (async () => {
        try {
          return await fn();
        } finally {
          flights.delete(key);
        }
      })();
      flights.set(key, promise);
      return { promise, leader: true };
    },
    has: (key) => flights.has(key),
    get inFlight() {
      return flights.size;
    },
  };
}
