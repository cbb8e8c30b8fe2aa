import type { Clock, TimerHandle } from './clock.js';
import { type Codel, createCodel } from './codel.js';
import { type ListNode, WaiterList } from './waiter-list.js';

/**
 * The wait queue in front of the connections. Bounded by time, not length: every waiter carries its
 * request's deadline and is answered (admitted or rejected) by then at the latest, so nothing hangs.
 * One lane per key (query class), each FIFO while it drains; under a standing queue (CoDel) a lane
 * serves its newest first, whose requests still have time to succeed, and sheds waiters queued longer
 * than `sloughMs`. Lanes are separate so that heavy work piling up behind its bulkhead share does not
 * shorten the wait allowed to critical queries.
 */
export interface AdmissionQueueOptions<K extends string> {
  clock: Clock;
  /** The lanes, highest priority first: a freed slot goes to the first lane that can use it. */
  keys: readonly K[];
  /**
   * Takes a slot for `key` when the limit and the bulkheads allow: 'full' when nothing is free,
   * 'class-full' when only this key must wait. `waiting(k)` counts who is queued, per key.
   */
  tryTake(key: K, waiting: (key: K) => number): TakeResult;
  /** CoDel target delay (5 ms) and interval (100 ms). */
  targetMs?: number;
  intervalMs?: number;
  /**
   * Longest wait while overloaded; defaults to 2 × the lane's target (Facebook's slough timeout).
   * Shedding at the target itself would keep every observed delay under the target, so the detector
   * would turn itself off after one interval and the queue would swing between FIFO and LIFO.
   */
  sloughMs?: number;
  /** Time kept back from the deadline for the query itself: a waiter admitted later could not finish. */
  reserveMs?: number;
  /** Longest wait whatever the deadline (30 s): a bound even for a caller without one. */
  maxWaitMs?: number;
  /** Waiters beyond this are refused at once: a memory bound for pathological bursts. */
  maxWaiters?: number;
  /**
   * How fast a lane drains now: its slots and how long one admission holds a slot (ms), as measured
   * by the caller. With it the queue decides on arrival instead of at expiry: a waiter that cannot be
   * served before its deadline is refused at once, and under a standing queue the waiters that LIFO
   * could not reach within the slough time are shed when they are pushed back, not when they time
   * out. Either way the refused request gets its 503 in microseconds instead of after a wait that
   * was bound to fail. Absent (or a hold time of 0): no prediction, expiry alone decides.
   *
   * It also scales the lane's CoDel target: never below one hold time. A pool is a few connections
   * wide, so a queue one round of queries deep is the normal state of a busy lane, not a standing
   * queue; with a fixed 5 ms target a database slowed to 8 ms a query by a crowded host read as
   * overload and shed requests the lane would have served well inside their objective.
   */
  drainRate?: (key: K) => DrainRate;
}

/** A lane's measured pace: `slots` served side by side, each admission holding one for `holdMs`. */
export interface DrainRate {
  slots: number;
  holdMs: number;
}

export type TakeResult = 'taken' | 'class-full' | 'full';

/** Why a waiter was refused: all retryable, none is a fault of the request. */
export const REJECTION_REASONS = ['deadline', 'shed', 'full', 'aborted'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type Admission =
  | { readonly ok: true; readonly waitedMs: number }
  | { readonly ok: false; readonly reason: RejectionReason; readonly waitedMs: number };

export interface AdmissionQueue<K extends string> {
  /** Resolves when a slot is taken for `key` or the waiter is refused; never rejects. */
  acquire(key: K, deadline: number, signal?: AbortSignal): Promise<Admission>;
  /** Serves the waiters that now fit; call after a slot is freed or the limit grows. */
  drain(): void;
  readonly length: number;
  waiting(key: K): number;
  /** 'lifo' while the key's lane has a standing queue (as of the last event). */
  mode(key: K): 'fifo' | 'lifo';
  /**
   * Why a waiter arriving now with `deadline` would be refused at once, or would at once push an
   * older waiter out, without queueing anything; undefined when it would be let in to wait. Lets a
   * caller refuse work it knows will need a slot before paying for that work.
   */
  refusalOnArrival(key: K, deadline: number): Exclude<RejectionReason, 'aborted'> | undefined;
}

interface Waiter<K> {
  key: K;
  enqueuedAt: number;
  deadline: number;
  resolve: (admission: Admission) => void;
  timer: TimerHandle | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Lane<K> {
  list: WaiterList<Waiter<K>>;
  codel: Codel;
  overloaded: boolean;
  /** Overload has just begun: the waiters queued before it must be held to the slough time. */
  sweepDue: boolean;
}

export function createAdmissionQueue<K extends string>(options: AdmissionQueueOptions<K>): AdmissionQueue<K> {
  const { clock, tryTake } = options;
  const targetMs = options.targetMs ?? 5;
  const intervalMs = options.intervalMs ?? 100;
  /** The lane's CoDel target: the configured one, or one hold time when the lane is slower. */
  const targetOf = (key: K): number => Math.max(targetMs, options.drainRate?.(key).holdMs ?? 0);
  const sloughOf = (key: K): number => options.sloughMs ?? 2 * targetOf(key);
  const reserveMs = options.reserveMs ?? 0;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const maxWaiters = options.maxWaiters ?? 10_000;
  const lanes = new Map<K, Lane<K>>(
    options.keys.map((k) => [
      k,
      {
        list: new WaiterList<Waiter<K>>(),
        codel: createCodel({ targetMs: () => targetOf(k), intervalMs }, clock.now()),
        overloaded: false,
        sweepDue: false,
      },
    ]),
  );
  const laneOf = (key: K): Lane<K> => {
    const lane = lanes.get(key);
    if (!lane) throw new Error(`no admission lane for ${key}`);
    return lane;
  };
  const waiting = (key: K) => lanes.get(key)?.list.length ?? 0;
  let total = 0;

  /** Expected wait (ms) of a waiter with `ahead` others to be served before it; 0 when unknown. */
  const expectedWait = (key: K, ahead: number): number => {
    const rate = options.drainRate?.(key);
    if (!rate || !(rate.holdMs > 0)) return 0;
    return ((ahead + 1) * rate.holdMs) / Math.max(1, rate.slots);
  };

  /** True when a newcomer queued behind everyone in `lane` would be served only past its deadline. */
  const outOfReach = (key: K, lane: Lane<K>, deadline: number, now: number): boolean =>
    expectedWait(key, lane.list.length) > deadline - reserveMs - now;

  /** How many waiters a lane can serve within `ms`, at its measured pace (infinite when unknown). */
  const servableWithin = (key: K, ms: number): number => {
    const rate = options.drainRate?.(key);
    if (!rate || !(rate.holdMs > 0)) return Number.POSITIVE_INFINITY;
    return Math.max(1, Math.floor((ms * Math.max(1, rate.slots)) / rate.holdMs));
  };

  const oldestWait = (lane: Lane<K>, now: number) => {
    const oldest = lane.list.oldest;
    return oldest ? now - oldest.enqueuedAt : undefined;
  };

  /**
   * The moment a waiter stops being worth serving, under its lane's current regime. The newest waiter
   * of a lane is never shed: LIFO serves it next, so shedding it would only leave a slot idle (CoDel
   * likewise never drops the last packet in its queue).
   */
  const expiry = (w: Waiter<K>) => {
    const lane = laneOf(w.key);
    const slough =
      lane.overloaded && lane.list.newest !== w ? w.enqueuedAt + sloughOf(w.key) : Number.POSITIVE_INFINITY;
    return Math.min(w.deadline - reserveMs, w.enqueuedAt + maxWaitMs, slough);
  };

  const unlink = (node: ListNode<Waiter<K>>) => {
    const w = node.value;
    laneOf(w.key).list.remove(node);
    total--;
    if (w.timer !== undefined) clock.clearTimer(w.timer);
    if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
  };

  const reject = (node: ListNode<Waiter<K>>, reason: RejectionReason, now: number) => {
    unlink(node);
    node.value.resolve({ ok: false, reason, waitedMs: now - node.value.enqueuedAt });
  };

  const expire = (node: ListNode<Waiter<K>>, now: number) => {
    const w = node.value;
    const pastDeadline = now >= Math.min(w.deadline - reserveMs, w.enqueuedAt + maxWaitMs);
    reject(node, pastDeadline ? 'deadline' : 'shed', now);
  };

  const arm = (node: ListNode<Waiter<K>>, now: number) => {
    const w = node.value;
    if (w.timer !== undefined) clock.clearTimer(w.timer);
    w.timer = clock.setTimer(() => onTimer(node), expiry(w) - now);
  };

  // The regime can change at any event. Entering overload marks the lane for a sweep, which sheds the
  // waiters already past the slough time at once instead of letting them linger to their deadlines.
  const refresh = (lane: Lane<K>, now: number) => {
    const was = lane.overloaded;
    lane.overloaded = lane.codel.overloaded(now, oldestWait(lane, now));
    if (lane.overloaded && !was) lane.sweepDue = true;
  };

  const sweep = (lane: Lane<K>, now: number) => {
    if (!lane.sweepDue) return;
    lane.sweepDue = false;
    for (const node of lane.list.nodes(false)) {
      if (now >= expiry(node.value)) expire(node, now);
      else arm(node, now);
    }
  };

  function onTimer(node: ListNode<Waiter<K>>) {
    if (!node.linked) return;
    const now = clock.now();
    node.value.timer = undefined;
    const lane = laneOf(node.value.key);
    refresh(lane, now);
    sweep(lane, now);
    if (!node.linked) return;
    // Leaving overload lengthens the allowed wait again: a timer set for the slough time re-arms.
    if (now >= expiry(node.value)) expire(node, now);
    else arm(node, now);
  }

  // Serves before it sheds: a free slot never stays idle because its only candidates were stale.
  const drain = () => {
    if (total === 0) return;
    const now = clock.now();
    let full = false;
    for (const lane of lanes.values()) {
      if (lane.list.length === 0) continue;
      refresh(lane, now);
      for (const node of full ? [] : lane.list.nodes(lane.overloaded)) {
        const w = node.value;
        const result = tryTake(w.key, waiting);
        if (result === 'full') full = true;
        // Everyone in a lane has the same key: if one cannot go, none can.
        if (result !== 'taken') break;
        const oldest = oldestWait(lane, now) ?? 0;
        unlink(node);
        lane.codel.observe(oldest, now);
        w.resolve({ ok: true, waitedMs: now - w.enqueuedAt });
      }
      sweep(lane, now);
    }
  };

  const refusalOnArrival = (key: K, deadline: number) => {
    const now = clock.now();
    const lane = laneOf(key);
    refresh(lane, now);
    if (deadline - reserveMs <= now) return 'deadline' as const;
    if (lane.list.length === 0) return undefined;
    if (total >= maxWaiters) return 'full' as const;
    if (lane.overloaded)
      return lane.list.length >= servableWithin(key, sloughOf(key)) ? ('shed' as const) : undefined;
    return outOfReach(key, lane, deadline, now) ? ('deadline' as const) : undefined;
  };

  return {
    refusalOnArrival,
    acquire(key, deadline, signal) {
      const now = clock.now();
      const lane = laneOf(key);
      refresh(lane, now);
      sweep(lane, now);
      if (signal?.aborted) return Promise.resolve({ ok: false, reason: 'aborted', waitedMs: 0 });
      if (deadline - reserveMs <= now) return Promise.resolve({ ok: false, reason: 'deadline', waitedMs: 0 });
      // Fast path: nobody of this key queued, a slot free. Recorded as a zero delay: the lane was empty.
      if (lane.list.length === 0 && tryTake(key, waiting) === 'taken') {
        lane.codel.observe(0, now);
        return Promise.resolve({ ok: true, waitedMs: 0 });
      }
      if (total >= maxWaiters) return Promise.resolve({ ok: false, reason: 'full', waitedMs: 0 });
      // First come, first served: everyone queued goes first. A newcomer that the lane cannot reach
      // before its deadline would only wait to be refused, and hold the memory and a timer meanwhile.
      if (!lane.overloaded && outOfReach(key, lane, deadline, now)) {
        return Promise.resolve({ ok: false, reason: 'deadline', waitedMs: 0 });
      }

      return new Promise<Admission>((resolve) => {
        const waiter: Waiter<K> = {
          key,
          enqueuedAt: now,
          deadline,
          resolve,
          timer: undefined,
          signal,
          onAbort: undefined,
        };
        const node = lane.list.push(waiter);
        total++;
        // The waiter it displaces as the newest may now be shed: re-check it under the new order.
        const displaced = lane.overloaded ? node.prev : undefined;
        if (displaced?.linked) {
          if (now >= expiry(displaced.value)) expire(displaced, now);
          else arm(displaced, now);
        }
        // Newest first: the oldest are served last, so those past what the lane can serve within the
        // slough time would be shed at their expiry anyway. Shed them now, while a 503 is still fast.
        if (lane.overloaded) {
          const keep = servableWithin(key, sloughOf(key));
          while (lane.list.length > keep) {
            const oldest = lane.list.oldestNode;
            if (!oldest || oldest === node) break;
            reject(oldest, 'shed', now);
          }
        }
        // In LIFO mode the newcomer goes first; in FIFO the order decides.
        drain();
        if (!node.linked) return;
        arm(node, now);
        if (signal) {
          waiter.onAbort = () => {
            if (node.linked) reject(node, 'aborted', clock.now());
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
      });
    },
    drain,
    get length() {
      return total;
    },
    waiting,
    mode: (key) => (laneOf(key).overloaded ? 'lifo' : 'fifo'),
  };
}
