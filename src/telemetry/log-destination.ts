import { BatchedLogDestination } from './batched-log-destination.js';

/**
 * How long a worker's log lines wait, after a write, for the lines of other requests to join them.
 * A write() goes through libuv's thread pool: two thread wake-ups that, on a busy two-core machine,
 * cost the worker far more than formatting the line. The linger holds a worker to about ten writes
 * a second (more only when 16 KB of lines pile up sooner). At 2 ms it capped nothing that mattered:
 * at a moderate 250 requests a second per worker the lines came 4 ms apart, each found the linger
 * over and went out alone, and CPU profiles of the stack at 500 req/s on the mixed workload put
 * those writes at about 1.1 s of the workers' CPU over a 25 s run, the largest single cost of
 * telemetry (100 ms: 0.16 s). A reader of the log does not notice 100 ms; a quiet worker's line
 * still goes out at once; a process that exits writes its pending lines, and only a kill loses the
 * lines of one linger.
 */
export const LOG_LINGER_MS = 100;

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
