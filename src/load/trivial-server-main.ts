// A trivial HTTP server, run as its own process: the yardstick for the generator's ceiling (it
// answers a small constant body, so the rate the generator reaches here is the most it can drive)
// and for its accuracy tests (a fixed delay; `GET /__stall?ms=N` blocks its event loop for N ms, as
// a long GC pause or a synchronous call would). Listens on loopback only.
// Usage: node --import tsx src/load/trivial-server-main.ts '{"port":0,"delayMs":0}'
import { createServer } from 'node:http';

interface Options {
  port: number;
  delayMs: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Partial<Options>;
const delayMs = options.delayMs ?? 0;
const body = Buffer.from('{"ok":true}');
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = createServer((req, res) => {
  if (req.url?.startsWith('/__stall')) {
    const ms = Math.min(10_000, Number(new URL(req.url, 'http://x').searchParams.get('ms') ?? 1000));
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // busy on purpose: the whole process stops answering
    }
    res.writeHead(200, headers).end(body);
    return;
  }
  if (delayMs > 0) setTimeout(() => res.writeHead(200, headers).end(body), delayMs);
  else res.writeHead(200, headers).end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(options.port ?? 0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
