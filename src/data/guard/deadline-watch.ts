import type { Clock } from './clock.js';
import type { CancelReason } from './guard-stats.js';
import type { RequestContext } from './request-context.js';

export interface DeadlineWatch {
  /** Resolves with the reason when the deadline passes or the client goes away; never rejects. */
  readonly fired: Promise<CancelReason>;
  dispose(): void;
}

/** Watches one step (a connect, a statement) against the request's deadline and abort signal. */
export function watchDeadline(ctx: RequestContext, clock: Clock): DeadlineWatch {
  let dispose = () => {};
  const fired = new Promise<CancelReason>((resolve) => {
    if (ctx.signal?.aborted) return resolve('aborted');
    const onAbort = () => resolve('aborted');
    const timer = clock.setTimer(() => resolve('deadline'), ctx.deadline - clock.now());
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    dispose = () => {
      clock.clearTimer(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
    };
  });
  return { fired, dispose: () => dispose() };
}
