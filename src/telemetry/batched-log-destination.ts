import { write, writeSync } from 'node:fs';

export interface BatchedLogDestinationOptions {
  /** After a write finished, new lines wait this long for company before the next write (ms). */
  lingerMs: number;
  /** Pending lines this long (UTF-16 code units) go out without waiting for the linger. */
  batchChars: number;
}

// Every destination still holding lines when the process exits; one listener for all of them.
const open = new Set<BatchedLogDestination>();
let exitListener = false;

/** How long a synchronous flush at exit keeps retrying a full non-blocking pipe before giving up. */
const EXIT_FLUSH_PATIENCE_MS = 2_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Log lines to a file descriptor in asynchronous batches: at most one write() in flight, and after
 * each one a short linger that gathers the lines of many requests into the next. A write() is a
 * round trip through libuv's thread pool (two thread wake-ups), which on a busy worker cost more
 * than formatting the line; one per batch instead of one per line makes it nothing. A line never
 * waits behind a blocking write() on the event loop (a slow reader of stdout stalls a pool thread,
 * not the worker), and a quiet worker's line goes out at once. Lines still pending when the
 * process exits (`process.exit`, an uncaught exception) are written synchronously then, as pino
 * does for its asynchronous destination; only a kill between two writes loses the lines of one
 * linger.
 */
export class BatchedLogDestination {
  readonly #fd: number;
  readonly #options: BatchedLogDestinationOptions;
  #lines: string[] = [];
  #chars = 0;
  /** A write in flight, or the linger after one: new lines wait. */
  #busy = false;
  #lingering: NodeJS.Timeout | undefined;
  /** The reader went away (EPIPE): nothing will be read again. */
  #broken = false;

  constructor(fd: number, options: BatchedLogDestinationOptions) {
    this.#fd = fd;
    this.#options = options;
  }

  /** Takes one line (pino's stream interface); it goes out with the next batch. */
  write(line: string): boolean {
    if (this.#broken) return true;
    this.#lines.push(line);
    this.#chars += line.length;
    if (!this.#busy) this.#writeBatch();
    else if (this.#lingering && this.#chars >= this.#options.batchChars) {
      clearTimeout(this.#lingering);
      this.#writeBatch();
    }
    return true;
  }

  /** Writes every pending line now, blocking; for the process's exit. */
  flushSync(): void {
    open.delete(this);
    if (this.#broken || this.#lines.length === 0) return;
    let data = Buffer.from(this.#take());
    const giveUp = Date.now() + EXIT_FLUSH_PATIENCE_MS;
    while (data.length > 0) {
      try {
        data = data.subarray(writeSync(this.#fd, data));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > giveUp) return;
        Atomics.wait(pause, 0, 0, 10);
      }
    }
  }

  #take(): string {
    const data = this.#lines.length === 1 ? (this.#lines[0] as string) : this.#lines.join('');
    this.#lines = [];
    this.#chars = 0;
    return data;
  }

  #writeBatch(): void {
    this.#busy = true;
    this.#lingering = undefined;
    this.#send(Buffer.from(this.#take()));
    watchExit(this);
  }

  #send(data: Buffer): void {
    write(this.#fd, data, 0, data.length, null, (err, written) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          // A full non-blocking pipe: try the same bytes again once the reader had time.
          setTimeout(() => this.#send(data), this.#options.lingerMs).unref();
          return;
        }
        // Any other failure loses this batch, as a failed write() would; EPIPE loses all later ones.
        if (code === 'EPIPE') this.#stop();
      } else if (written < data.length) {
        this.#send(data.subarray(written));
        return;
      }
      this.#linger();
    });
  }

  #linger(): void {
    if (this.#broken) return;
    if (this.#chars >= this.#options.batchChars) {
      this.#writeBatch();
      return;
    }
    this.#lingering = setTimeout(() => {
      if (this.#lines.length > 0) this.#writeBatch();
      else {
        this.#busy = false;
        this.#lingering = undefined;
        open.delete(this);
      }
    }, this.#options.lingerMs);
    this.#lingering.unref();
  }

  #stop(): void {
    this.#broken = true;
    this.#lines = [];
    this.#chars = 0;
    open.delete(this);
  }
}

function watchExit(destination: BatchedLogDestination): void {
  open.add(destination);
  if (exitListener) return;
  exitListener = true;
  process.on('exit', () => {
    for (const d of open) d.flushSync();
  });
}
