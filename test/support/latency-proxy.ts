import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface LatencyProxy {
  /** `127.0.0.1:<port>`: point a database URL here instead of at the server. */
  host: string;
  port: number;
  /** Delay added to every chunk in each direction from now on (a round trip gains twice this). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback that delays every chunk by the current latency, in order: the network
 * between the workers and PostgreSQL, made slow on demand. Chunks keep their order when the latency
 * is lowered (a chunk never overtakes the one before it).
 */
export async function startLatencyProxy(target: { host: string; port: number }): Promise<LatencyProxy> {
  let latencyMs = 0;
  const sockets = new Set<Socket>();
  const pipe = (from: Socket, to: Socket) => {
    let lastAt = 0;
    from.on('data', (chunk) => {
      const at = Math.max(Date.now() + latencyMs, lastAt);
      lastAt = at;
      const wait = at - Date.now();
      if (wait <= 0 && latencyMs === 0) {
        to.write(chunk);
        return;
      }
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, wait);
    });
    from.on('end', () => setTimeout(() => to.end(), Math.max(0, lastAt - Date.now())));
    from.on('error', () => to.destroy());
    from.on('close', () => setTimeout(() => to.destroy(), Math.max(0, lastAt - Date.now())));
  };
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client);
    sockets.add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    host: '127.0.0.1',
    port,
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
