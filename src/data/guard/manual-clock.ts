import type { Clock, TimerHandle } from './clock.js';

/** A clock that moves only when told to: unit tests of time-driven logic without real waiting. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order, each at its own due time. */
  advance(ms: number): void;
  pendingTimers(): number;
}

export function createManualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { due: number; fn: () => void }>();

  const nextDue = () => {
    let best: [number, { due: number; fn: () => void }] | undefined;
    for (const entry of timers) {
      if (!best || entry[1].due < best[1].due || (entry[1].due === best[1].due && entry[0] < best[0]))
        best = entry;
    }
    return best;
  };

  return {
    now: () => now,
    monotonic: () => now,
    setTimer(fn, ms): TimerHandle {
      const id = nextId++;
      timers.set(id, { due: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimer(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (let due = nextDue(); due && due[1].due <= end; due = nextDue()) {
        timers.delete(due[0]);
        now = due[1].due;
        due[1].fn();
      }
      now = end;
    },
    pendingTimers: () => timers.size,
  };
}
