import { Pool } from 'undici';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';

/**
 * What moderation decided for a piece of content. `review` is the fallback: the service failed,
 * was too slow or its breaker is open, so the content is accepted and flagged for a person to
 * review. `unchecked`: moderation is off.
 */
export const MODERATION_STATUSES = ['approved', 'flagged', 'review', 'unchecked'] as const;
export type ModerationStatus = (typeof MODERATION_STATUSES)[number];

/** How one call ended, as telemetry labels it. */
export type ModerationOutcome = 'ok' | 'error' | 'timeout' | 'rejected';

export interface ModerationCheck {
  /** Never throws and never waits past the timeout: a failure is `review`. */
  check(text: string): Promise<ModerationStatus>;
  close(): Promise<void>;
}

export interface ModerationClientOptions {
  /** Base URL of the moderation service, e.g. `http://127.0.0.1:41234`. */
  url: string;
  timeoutMs: number;
  breakerFailures: number;
  breakerResetMs: number;
  /** Every call (refused ones too), with `performance.now()` times: metrics, breakdown, span. */
  onCall?: (dependency: string, outcome: ModerationOutcome, startMs: number, endMs: number) => void;
  /** Told when the breaker changes state, for the log. */
  onBreaker?: (state: CircuitBreaker['state']) => void;
}

export const MODERATION_DEPENDENCY = 'moderation';

/**
 * The moderation dependency, over undici with keep-alive connections, a timeout on the whole call
 * and a circuit breaker. It is called before the write's transaction, so a slow moderation service
 * never holds a database connection.
 */
export function createModerationClient(options: ModerationClientOptions): ModerationCheck {
  const pool = new Pool(options.url, { connections: 32, pipelining: 1 });
  const breaker = createCircuitBreaker({
    failures: options.breakerFailures,
    resetMs: options.breakerResetMs,
  });
  const report = (outcome: ModerationOutcome, start: number) =>
    options.onCall?.(MODERATION_DEPENDENCY, outcome, start, performance.now());
  let lastState = breaker.state;
  const noteState = () => {
    const s = breaker.state;
    if (s !== lastState) options.onBreaker?.(s);
    lastState = s;
  };

  return {
    async check(text) {
      const start = performance.now();
      if (!breaker.allow()) {
        report('rejected', start);
        return 'review';
      }
      const signal = AbortSignal.timeout(options.timeoutMs);
      try {
        const res = await pool.request({
          path: '/v1/moderate',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
          signal,
        });
        const body = (await res.body.json()) as { decision?: unknown };
        if (res.statusCode !== 200 || (body.decision !== 'accept' && body.decision !== 'flag'))
          throw new Error(`moderation answered ${res.statusCode}`);
        breaker.success();
        noteState();
        report('ok', start);
        return body.decision === 'flag' ? 'flagged' : 'approved';
      } catch {
        breaker.failure();
        noteState();
        report(signal.aborted ? 'timeout' : 'error', start);
        return 'review';
      }
    },
    close: () => pool.close(),
  };
}
