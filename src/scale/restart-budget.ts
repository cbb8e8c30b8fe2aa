/**
 * Paces worker replacement: the first few restarts in a window happen at once, then each waits
 * longer (doubling, capped), so a worker that crashes on boot cannot spin the CPU.
 */
export class RestartBudget {
  private readonly times: number[] = [];
  constructor(private readonly options: { max: number; windowMs: number; maxDelayMs?: number }) {}

  /** Records a restart at `now` and returns how long to wait before it. */
  next(now: number): number {
    while (this.times.length > 0 && now - (this.times[0] as number) > this.options.windowMs)
      this.times.shift();
    this.times.push(now);
    const excess = this.times.length - this.options.max;
    if (excess <= 0) return 0;
    return Math.min(this.options.maxDelayMs ?? 30_000, 250 * 2 ** (excess - 1));
  }
}
