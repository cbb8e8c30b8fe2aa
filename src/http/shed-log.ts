import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode } from '../errors/index.js';

export interface ShedLog {
  count(code: ErrorCode): void;
  /** Writes what is pending now (on shutdown). */
  flush(): void;
}

/**
 * Overload answers (the registry's `ROUTINE_REFUSALS`) are the guard working as designed, and under
 * a spike they come by the thousand per second: a warning with a stack trace for each one spends the
 * worker's CPU on the log just when the CPU is scarce, and the extra lag makes every waiter's timer
 * fire late (a shed that should take 10 ms took a second). So they are counted and summarised once
 * per interval instead.
 */
export function createShedLog(log: FastifyBaseLogger, intervalMs = 1_000): ShedLog {
  let pending: Partial<Record<ErrorCode, number>> = {};
  let total = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (total === 0) return;
    log.warn(
      { shed: pending, total, intervalMs },
      'requests shed with 503 (the guard refused or cancelled them)',
    );
    pending = {};
    total = 0;
  };
  return {
    count(code) {
      pending[code] = (pending[code] ?? 0) + 1;
      total++;
      if (!timer) {
        timer = setTimeout(flush, intervalMs);
        timer.unref();
      }
    },
    flush,
  };
}
