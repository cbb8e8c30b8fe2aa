import type { Clock, TimerHandle } from './clock.js';
import { type Codel, createCodel } from './codel.js';
import { type Linked, WaiterList } from './waiter-list.js';

/**
 * The wait queue in front of the connections. Bounded by time, not length: every waiter carries its
 * request's deadline and is answered (admitted or rejected) by then at the latest, so nothing hangs.
 * One lane per key (query class), so that heavy work piling up behind its bulkhead share does not
 * shorten the wait allowed to critical queries.
 *
 * A lane decides on arrival. While it drains (first come, first served) it lets a newcomer in only
 * when, at its measured pace, it can serve it within a burst's length and before its deadline; a
 * waiter let in is then served, or answered at its deadline should the database stall, never shed for
 * load. Under a standing queue (CoDel) it serves its newest waiters first, whose requests still have
 * time to succeed, and sheds the ones newest-first cannot reach within the slough time, when newer
 * ones push them back or at the slough time at the latest. Either way a refusal comes on arrival or
 * within the slough time, in milliseconds, never after a long wait that was bound to fail.
 *
 * A request's later queries (`continuing`) go ahead of newcomers and are never refused for load: the
 * request has already cost a connection's time, and a 503 after its first query would waste that and
 * come late.
 */
export interface AdmissionQueueOptions<K extends string> {
  clock: Clock;
  /** The lanes, highest priority first: a freed slot goes to the first lane that can use it. */
  keys: readonly K[];
  /**
   * Takes a slot for `key` when the limit and the bulkheads allow: 'full' when nothing is free,
   * 'class-full' when only this key must wait. `waiting(k)` counts who is queued, per key.
   * `continuing`: the slot is for a request's later query (see `acquire`).
   */
  tryTake(key: K, waiting: (key: K) => number, continuing: boolean): TakeResult;
  /** CoDel target delay (5 ms) and interval (100 ms). */
  targetMs?: number;
  intervalMs?: number;
  /**
   * Longest wait of a waiter let in under a standing queue (default 2 × the target; the service sets
   * it from `guard.shedAfterMs`, 10 ms). It is what a refusal may cost its client at most, so it
   * does not grow with the lane's hold time.
   */
  sloughMs?: number;
  /**
   * Longest predicted wait a newcomer is queued for while the lane drains (the CoDel interval:
   * 100 ms). A burst that drains within an interval is a good queue; a newcomer beyond it is refused
   * at once rather than let in to a wait that would become a standing queue.
   */
  burstMs?: number;
  /** Time kept back from the deadline for the query itself: a waiter admitted later could not finish. */
  reserveMs?: number;
  /** Longest wait whatever the deadline (30 s): a bound even for a caller without one. */
  maxWaitMs?: number;
  /** Waiters beyond this are refused at once: a memory bound for pathological bursts. */
  maxWaiters?: number;
  /**
   * How fast a lane drains now: its slots and how long one admission holds a slot (ms), as measured
   * by the caller. It is what lets the queue decide on arrival: the expected wait of a newcomer is
   * the waiters ahead times the hold time, divided by the slots. Absent (or a hold time of 0): no
   * prediction; a newcomer is let in and the deadline or the slough time decides.
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
  /**
   * Resolves when a slot is taken for `key` or the waiter is refused; never rejects. `continuing`:
   * the request already had a query admitted, so this one goes ahead of newcomers and is refused
   * only at its deadline.
   */
  acquire(key: K, deadline: number, signal?: AbortSignal, continuing?: boolean): Promise<Admission>;
  /** Serves the waiters that now fit; call after a slot is freed or the limit grows. */
  drain(): void;
  readonly length: number;
  waiting(key: K): number;
  /** 'lifo' while the key's lane has a standing queue (as of the last event). */
  mode(key: K): 'fifo' | 'lifo';
  /**
   * Why a newcomer arriving now with `deadline` would be refused at once, or would at once push an
   * older waiter out, without queueing anything; undefined when it would be let in to wait. Lets a
   * caller refuse work it knows will need a slot before paying for that work. A refusal it names is
   * counted as one, as `acquire` counts its own.
   */
  refusalOnArrival(key: K, deadline: number): Exclude<RejectionReason, 'aborted'> | undefined;
}

interface Waiter<K> extends Linked<Waiter<K>> {
  key: K;
  enqueuedAt: number;
  deadline: number;
  resolve: (admission: Admission) => void;
  list: WaiterList<Waiter<K>> | undefined;
  timer: TimerHandle | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** A lane's waiters, in the order they are served. */
interface Lane<K> {
  /** Later queries of requests already admitted once: first, in arrival order, never shed. */
  continuing: WaiterList<Waiter<K>>;
  /** Let in while the lane drained: in arrival order, answered by their deadline. */
  promised: WaiterList<Waiter<K>>;
  /** Let in under a standing queue: newest first, shed past the slough time. */
  fresh: WaiterList<Waiter<K>>;
  codel: Codel;
  overloaded: boolean;
}

const sizeOf = <K>(lane: Lane<K>) => lane.continuing.length + lane.promised.length + lane.fresh.length;

export function createAdmissionQueue<K extends string>(options: AdmissionQueueOptions<K>): AdmissionQueue<K> {
  const { clock, tryTake } = options;
  const targetMs = options.targetMs ?? 5;
  const intervalMs = options.intervalMs ?? 100;
  const sloughMs = options.sloughMs ?? 2 * targetMs;
  const burstMs = options.burstMs ?? intervalMs;
  const reserveMs = options.reserveMs ?? 0;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const maxWaiters = options.maxWaiters ?? 10_000;
  /** The lane's CoDel target: the configured one, or one hold time when the lane is slower. */
  const targetOf = (key: K): number => Math.max(targetMs, options.drainRate?.(key).holdMs ?? 0);
  const lanes = new Map<K, Lane<K>>(
    options.keys.map((k) => [
      k,
      {
        continuing: new WaiterList<Waiter<K>>(),
        promised: new WaiterList<Waiter<K>>(),
        fresh: new WaiterList<Waiter<K>>(),
        codel: createCodel({ targetMs: () => targetOf(k), intervalMs }, clock.now()),
        overloaded: false,
      },
    ]),
  );
  const laneOf = (key: K): Lane<K> => {
    const lane = lanes.get(key);
    if (!lane) throw new Error(`no admission lane for ${key}`);
    return lane;
  };
  const waiting = (key: K) => {
    const lane = lanes.get(key);
    return lane ? sizeOf(lane) : 0;
  };
  let total = 0;

  /** Expected wait (ms) of a waiter with `ahead` others to be served before it; 0 when unknown. */
  const expectedWait = (key: K, ahead: number): number => {
    const rate = options.drainRate?.(key);
    if (!rate || !(rate.holdMs > 0)) return 0;
    return ((ahead + 1) * rate.holdMs) / Math.max(1, rate.slots);
  };

  /** How many waiters a lane can serve within `ms`, at its measured pace (infinite when unknown). */
  const servableWithin = (key: K, ms: number): number => {
    const rate = options.drainRate?.(key);
    if (!rate || !(rate.holdMs > 0)) return Number.POSITIVE_INFINITY;
    return Math.max(1, Math.floor((ms * Math.max(1, rate.slots)) / rate.holdMs));
  };

  const oldestWait = (lane: Lane<K>, now: number): number | undefined => {
    let oldest = Number.POSITIVE_INFINITY;
    for (const list of [lane.continuing, lane.promised, lane.fresh]) {
      const head = list.oldest;
      if (head && head.enqueuedAt < oldest) oldest = head.enqueuedAt;
    }
    return Number.isFinite(oldest) ? now - oldest : undefined;
  };

  /** The next waiter a free slot goes to. */
  const nextOf = (lane: Lane<K>): Waiter<K> | undefined =>
    lane.continuing.oldest ?? lane.promised.oldest ?? lane.fresh.newest;

  /**
   * The moment a waiter stops being worth serving. Only a fresh waiter is ever shed, and never the
   * newest: newest-first serves it next, so shedding it would only leave a slot idle (CoDel likewise
   * never drops the last packet in its queue).
   */
  const expiry = (w: Waiter<K>) => {
    const lane = laneOf(w.key);
    const due = Math.min(w.deadline - reserveMs, w.enqueuedAt + maxWaitMs);
    return w.list === lane.fresh && lane.fresh.newest !== w ? Math.min(due, w.enqueuedAt + sloughMs) : due;
  };

  const unlink = (w: Waiter<K>) => {
    w.list?.remove(w);
    total--;
    if (w.timer !== undefined) clock.clearTimer(w.timer);
    if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
  };

  const reject = (w: Waiter<K>, reason: RejectionReason, now: number) => {
    unlink(w);
    if (reason === 'shed') laneOf(w.key).codel.refused();
    w.resolve({ ok: false, reason, waitedMs: now - w.enqueuedAt });
  };

  const expire = (w: Waiter<K>, now: number) => {
    const pastDeadline = now >= Math.min(w.deadline - reserveMs, w.enqueuedAt + maxWaitMs);
    reject(w, pastDeadline ? 'deadline' : 'shed', now);
  };

  const arm = (w: Waiter<K>, now: number) => {
    if (w.timer !== undefined) clock.clearTimer(w.timer);
    w.timer = clock.setTimer(() => onTimer(w), expiry(w) - now);
  };

  const moveTo = (w: Waiter<K>, list: WaiterList<Waiter<K>>) => {
    w.list?.remove(w);
    list.push(w);
  };

  // The regime can change at any event. When the standing queue is gone, the waiters let in under it
  // join the promised ones (all older than them, so arrival order holds) and are no longer shed.
  const refresh = (lane: Lane<K>, now: number) => {
    const was = lane.overloaded;
    lane.overloaded = lane.codel.overloaded(now, oldestWait(lane, now));
    if (was && !lane.overloaded) {
      for (let w = lane.fresh.oldest; w; w = lane.fresh.oldest) {
        moveTo(w, lane.promised);
        arm(w, now);
      }
    }
  };

  function onTimer(w: Waiter<K>) {
    w.timer = undefined;
    if (!w.list) return;
    const now = clock.now();
    refresh(laneOf(w.key), now);
    if (!w.list) return;
    if (now >= expiry(w)) expire(w, now);
    else arm(w, now);
  }

  // Serves before it sheds: a free slot never stays idle because its only candidates were stale.
  const drain = () => {
    if (total === 0) return;
    const now = clock.now();
    let full = false;
    for (const lane of lanes.values()) {
      if (full) break;
      if (sizeOf(lane) === 0) continue;
      refresh(lane, now);
      for (let w = nextOf(lane); w; w = nextOf(lane)) {
        const result = tryTake(w.key, waiting, w.list === lane.continuing);
        if (result === 'full') full = true;
        // Everyone in a lane has the same key: if one cannot go, none behind it can (a request's
        // later queries come first, and nothing holds them back that does not hold back the rest).
        if (result !== 'taken') break;
        const oldest = oldestWait(lane, now) ?? 0;
        unlink(w);
        lane.codel.observe(oldest, now);
        w.resolve({ ok: true, waitedMs: now - w.enqueuedAt });
      }
    }
  };

  /**
   * Why a newcomer (not a continuing request) would be refused now; undefined when it is let in.
   * Under a standing queue it is let in ahead of the fresh waiters, behind the promised ones: only
   * when those leave room for it within the slough time.
   */
  const decide = (key: K, lane: Lane<K>, deadline: number, now: number) => {
    const left = deadline - reserveMs - now;
    if (left <= 0) return 'deadline' as const;
    if (sizeOf(lane) === 0) return undefined;
    if (total >= maxWaiters) return 'full' as const;
    const ahead = lane.overloaded ? lane.continuing.length + lane.promised.length : sizeOf(lane);
    const wait = expectedWait(key, ahead);
    if (wait > left) return 'deadline' as const;
    if (lane.overloaded) return ahead >= servableWithin(key, sloughMs) ? ('shed' as const) : undefined;
    return wait > burstMs ? ('shed' as const) : undefined;
  };

  /** How many fresh waiters the lane can still reach within the slough time, behind those ahead. */
  const freshRoom = (key: K, lane: Lane<K>) =>
    Math.max(1, servableWithin(key, sloughMs) - lane.continuing.length - lane.promised.length);

  const refusalOnArrival = (key: K, deadline: number) => {
    const now = clock.now();
    const lane = laneOf(key);
    refresh(lane, now);
    const reason =
      decide(key, lane, deadline, now) ??
      (lane.overloaded && lane.fresh.length >= freshRoom(key, lane) ? 'shed' : undefined);
    if (reason === 'shed' || reason === 'full') lane.codel.refused();
    return reason;
  };

  return {
    refusalOnArrival,
    acquire(key, deadline, signal, continuing = false) {
      const now = clock.now();
      const lane = laneOf(key);
      refresh(lane, now);
      const refuse = (reason: RejectionReason) => {
        if (reason === 'shed' || reason === 'full') lane.codel.refused();
        return Promise.resolve<Admission>({ ok: false, reason, waitedMs: 0 });
      };
      if (signal?.aborted) return refuse('aborted');
      if (deadline - reserveMs <= now) return refuse('deadline');
      // Fast path: nobody of this key queued, a slot free. Recorded as a zero delay: the lane was empty.
      if (sizeOf(lane) === 0 && tryTake(key, waiting, continuing) === 'taken') {
        lane.codel.observe(0, now);
        return Promise.resolve({ ok: true, waitedMs: 0 });
      }
      if (total >= maxWaiters) return refuse('full');
      if (!continuing) {
        const reason = decide(key, lane, deadline, now);
        if (reason) return refuse(reason);
      }
      const list = continuing ? lane.continuing : lane.overloaded ? lane.fresh : lane.promised;

      return new Promise<Admission>((resolve) => {
        const waiter: Waiter<K> = {
          key,
          enqueuedAt: now,
          deadline,
          resolve,
          timer: undefined,
          signal,
          onAbort: undefined,
          prev: undefined,
          next: undefined,
          list: undefined,
        };
        const displaced = list === lane.fresh ? lane.fresh.newest : undefined;
        list.push(waiter);
        total++;
        if (list === lane.fresh) {
          // The waiter it displaces as the newest may be shed from now on: re-check it.
          if (displaced) {
            if (now >= expiry(displaced)) expire(displaced, now);
            else arm(displaced, now);
          }
          // Newest first: the oldest fresh waiters are served last, so those past what the lane can
          // serve within the slough time would be shed at their expiry anyway. Shed them now, while
          // a 503 is still fast.
          const room = freshRoom(key, lane);
          while (lane.fresh.length > room) {
            const oldest = lane.fresh.oldest;
            if (!oldest || oldest === waiter) break;
            reject(oldest, 'shed', now);
          }
        }
        drain();
        if (!waiter.list) return;
        arm(waiter, now);
        if (signal) {
          waiter.onAbort = () => {
            if (waiter.list) reject(waiter, 'aborted', clock.now());
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
