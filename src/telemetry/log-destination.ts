import { BatchedLogDestination } from './batched-log-destination.js';

/**
 * How long a worker's log lines wait, after a write, for the lines of other requests to join them.
 * With one line per request, a write() per line was the largest single cost of telemetry on a busy
 * worker: 2 ms batches cost a cached request about 25 µs less worker CPU (bench/telemetry-cpu.ts,
 * medians of four runs), and a synchronous write() per line about 15 µs less. 2 ms is below
 * anything a reader of the log notices, and it bounds what a kill can lose.
 */
export const LOG_LINGER_MS = 2;

/** A batch this large (UTF-16 code units, about bytes for JSON lines) goes out without lingering. */
export const LOG_BATCH_CHARS = 16_384;

/**
 * A worker's log destination: asynchronous writes, so a log line per request never costs a
 * blocking write() on the request's path (nor blocks the worker when the reader of its stdout is
 * slow), batched so that a busy worker writes a few hundred times a second, not once per request.
 * Pending lines are written synchronously when the process exits.
 */
export function workerLogDestination(fd: number): BatchedLogDestination {
  return new BatchedLogDestination(fd, { lingerMs: LOG_LINGER_MS, batchChars: LOG_BATCH_CHARS });
}
