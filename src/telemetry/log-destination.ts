import { pino } from 'pino';

/**
 * The most a worker's log stream holds in one pending chunk (sonic-boom's `maxWrite`, 16 KiB by
 * default). While a write is in flight, sonic-boom appends each new line to the last pending chunk
 * and first takes `Buffer.byteLength` of that whole chunk, a string rebuilt by every append: the
 * cost of a line grows with the chunk. With one line per request, 16 KiB chunks cost a busy worker
 * a few microseconds per request in that one call; 4 KiB chunks (about ten lines per write()) cost
 * a quarter of it, and a write() per ten lines is still nothing.
 */
export const LOG_MAX_WRITE_BYTES = 4096;

/**
 * A worker's log destination: asynchronous writes, so a log line per request never costs a
 * blocking write() on the request's path (nor blocks the worker when the reader of its stdout is
 * slow); lines written while one write is in flight go out together.
 */
export function workerLogDestination(dest: number | string): pino.DestinationStream {
  return pino.destination({ dest, sync: false, maxWrite: LOG_MAX_WRITE_BYTES });
}
