import { Agent, request } from 'undici';

/** One request of a load mix. */
export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  token?: string;
  body?: unknown;
}

export interface LoadOptions {
  baseUrl: string;
  /** Concurrent virtual users, each sending its next request when the last one answered. */
  concurrency: number;
  /** Picks each request. */
  next: () => LoadRequest;
  /** Each user's requests per second at most (absent: as fast as answers come). */
  perUserRate?: number;
  /** Hard stop, so a forgotten loop ends by itself. */
  maxDurationMs: number;
}

export interface LoadStats {
  sent: number;
  byStatus: Record<number, number>;
  failures: number;
}

/**
 * A small closed-loop load on loopback, bounded in time: enough to put real traffic through the
 * stack for the diagnosis trials (not a benchmark driver; the load folder has the open-model one).
 */
export function startLoad(options: LoadOptions) {
  const agent = new Agent({ connections: options.concurrency, pipelining: 1, keepAliveTimeout: 10_000 });
  const stats: LoadStats = { sent: 0, byStatus: {}, failures: 0 };
  const deadline = Date.now() + options.maxDurationMs;
  let running = true;
  const gapMs = options.perUserRate ? 1000 / options.perUserRate : 0;
  const user = async () => {
    while (running && Date.now() < deadline) {
      const t0 = Date.now();
      const r = options.next();
      stats.sent++;
      try {
        const res = await request(`${options.baseUrl}${r.path}`, {
          method: r.method,
          dispatcher: agent,
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
          headers: {
            ...(r.token ? { authorization: `Token ${r.token}` } : {}),
            ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}),
        });
        await res.body.dump();
        stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
      } catch {
        stats.failures++;
      }
      const rest = gapMs - (Date.now() - t0);
      if (rest > 0) await new Promise((res) => setTimeout(res, rest));
    }
  };
  const users = Array.from({ length: options.concurrency }, user);
  const done = Promise.all(users);
  return {
    stats,
    async stop(): Promise<LoadStats> {
      running = false;
      await done;
      await agent.close();
      return stats;
    },
  };
}
