import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Admission, createAdmissionQueue } from './admission-queue.js';
import { createManualClock } from './manual-clock.js';

type K = 'a' | 'b';

/** A queue over `slots` interchangeable slots; `free()` gives one back and lets the queue serve. */
function setup(
  slots: number,
  options: {
    targetMs?: number;
    intervalMs?: number;
    sloughMs?: number;
    burstMs?: number;
    holdMs?: number;
  } = {},
) {
  const clock = createManualClock(1_000);
  let used = 0;
  const blocked = new Set<K>();
  const queue = createAdmissionQueue<K>({
    clock,
    keys: ['a', 'b'],
    ...options,
    ...(options.holdMs !== undefined ? { drainRate: () => ({ slots, holdMs: options.holdMs ?? 0 }) } : {}),
    tryTake: (key) => {
      if (used >= slots) return 'full';
      if (blocked.has(key)) return 'class-full';
      used++;
      return 'taken';
    },
  });
  const outcomes = new Map<string, Admission>();
  const order: string[] = [];
  const enter = (
    name: string,
    deadlineIn: number,
    key: K = 'a',
    signal?: AbortSignal,
    continuing = false,
  ) => {
    void queue.acquire(key, clock.now() + deadlineIn, signal, continuing).then((admission) => {
      outcomes.set(name, admission);
      if (admission.ok) order.push(name);
    });
  };
  const free = () => {
    used--;
    queue.drain();
  };
  /** Frees a slot and lets the promises of whoever it went to settle. */
  const serveNext = async () => {
    free();
    await settle();
  };
  return { clock, queue, outcomes, order, enter, free, serveNext, blocked, used: () => used };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a waiter is admitted at once when a slot is free, with no wait', async () => {
  const s = setup(1);
  s.enter('first', 1_000);
  await settle();
  assert.deepEqual(s.outcomes.get('first'), { ok: true, waitedMs: 0 });
});

test('a waiter past its deadline is refused at its deadline and never gets a slot', async () => {
  const s = setup(1);
  s.enter('holder', 10_000);
  s.enter('late', 100);
  s.clock.advance(99);
  await settle();
  assert.equal(s.outcomes.has('late'), false);
  s.clock.advance(1);
  await settle();
  assert.deepEqual(s.outcomes.get('late'), { ok: false, reason: 'deadline', waitedMs: 100 });
  await s.serveNext();
  assert.equal(s.queue.length, 0);
  assert.equal(s.used(), 0);
});

test('a waiter whose deadline has already passed is refused without queueing', async () => {
  const s = setup(0);
  s.enter('expired', 0);
  await settle();
  assert.deepEqual(s.outcomes.get('expired'), { ok: false, reason: 'deadline', waitedMs: 0 });
  assert.equal(s.clock.pendingTimers(), 0);
});

test('waiters are served first come, first served while the queue drains quickly', async () => {
  const s = setup(1);
  s.enter('holder', 10_000);
  s.enter('w1', 10_000);
  s.clock.advance(1);
  s.enter('w2', 10_000);
  s.clock.advance(1);
  s.enter('w3', 10_000);
  for (let i = 0; i < 4; i++) {
    s.free();
    await settle();
  }
  assert.deepEqual(s.order, ['holder', 'w1', 'w2', 'w3']);
  assert.equal(s.queue.mode('a'), 'fifo');
});

test('under a standing queue the newest waiter is served first, after those let in before it stood', async () => {
  const s = setup(1, { targetMs: 5, intervalMs: 100, sloughMs: 60_000 });
  s.enter('holder', 60_000);
  s.enter('before', 60_000);
  // Nothing leaves the queue for two intervals: it stands.
  s.clock.advance(300);
  for (const name of ['w1', 'w2', 'w3', 'w4']) {
    s.enter(name, 60_000);
    s.clock.advance(1);
  }
  for (let i = 0; i < 6; i++) {
    s.free();
    await settle();
  }
  assert.deepEqual(s.order, ['holder', 'before', 'w4', 'w3', 'w2', 'w1']);
  assert.equal(s.queue.mode('a'), 'lifo');
});

test('once the queue stands, a waiter let in before keeps its place; those let in after wait at most the slough time', async () => {
  const s = setup(1, { targetMs: 5, intervalMs: 100 });
  s.enter('holder', 60_000);
  s.enter('old', 60_000);
  s.clock.advance(250);
  // The next event finds a whole interval without a dequeue while 'old' waited: overload begins.
  s.enter('new', 60_000);
  await settle();
  assert.equal(s.queue.mode('a'), 'lifo');
  assert.equal(s.outcomes.has('old'), false, 'a waiter let in while the lane drained is not shed');
  // The newest waiter is kept (it goes next); once a newer one arrives, it may wait 2 × target only.
  s.clock.advance(4);
  s.enter('newer', 60_000);
  s.clock.advance(6);
  await settle();
  assert.deepEqual(s.outcomes.get('new'), { ok: false, reason: 'shed', waitedMs: 10 });
  assert.equal(s.outcomes.has('newer'), false);
  s.clock.advance(20);
  s.enter('newest', 60_000);
  await settle();
  assert.deepEqual(s.outcomes.get('newer'), { ok: false, reason: 'shed', waitedMs: 26 });
  assert.equal(s.queue.length, 2);
  await s.serveNext();
  await s.serveNext();
  assert.deepEqual(s.order, ['holder', 'old', 'newest']);
  assert.deepEqual(s.outcomes.get('old'), { ok: true, waitedMs: 280 });
});

test('the slough time is its own setting: a larger target does not make a refusal wait longer', async () => {
  const s = setup(1, { targetMs: 25, intervalMs: 100, sloughMs: 10 });
  s.enter('holder', 60_000);
  s.enter('old', 60_000);
  s.clock.advance(250);
  s.enter('new', 60_000);
  await settle();
  assert.equal(s.queue.mode('a'), 'lifo');
  s.clock.advance(4);
  s.enter('newer', 60_000);
  s.clock.advance(6);
  await settle();
  // 10 ms, the slough time given, not 2 × the 25 ms target.
  assert.deepEqual(s.outcomes.get('new'), { ok: false, reason: 'shed', waitedMs: 10 });
  assert.equal(s.outcomes.has('newer'), false);
  assert.equal(s.outcomes.has('old'), false);
});

test('the queue returns to first come, first served after it has drained', async () => {
  const s = setup(1, { targetMs: 5, intervalMs: 100 });
  s.enter('holder', 60_000);
  s.enter('old', 60_000);
  s.clock.advance(250);
  s.enter('trigger', 60_000);
  await settle();
  assert.equal(s.queue.mode('a'), 'lifo');
  s.free(); // serves 'trigger' at once
  await settle();
  s.free();
  // Idle for a while: admissions straight from an empty queue count as zero delay.
  for (let i = 0; i < 3; i++) {
    s.clock.advance(60);
    s.enter(`idle${i}`, 60_000);
    await settle();
    s.free();
  }
  s.clock.advance(60);
  s.enter('x', 60_000);
  s.enter('y', 60_000);
  await settle();
  assert.equal(s.queue.mode('a'), 'fifo');
});

test('a waiter whose client goes away leaves the queue at once', async () => {
  const s = setup(1);
  s.enter('holder', 10_000);
  const controller = new AbortController();
  s.enter('gone', 10_000, 'a', controller.signal);
  controller.abort();
  await settle();
  assert.deepEqual(s.outcomes.get('gone'), { ok: false, reason: 'aborted', waitedMs: 0 });
  assert.equal(s.queue.length, 0);
  assert.equal(s.clock.pendingTimers(), 0);
});

test('a waiter whose class is at its share does not hold up a waiter of another class behind it', async () => {
  const s = setup(1);
  s.enter('holder', 10_000);
  s.blocked.add('a');
  s.enter('blocked', 10_000, 'a');
  s.enter('other', 10_000, 'b');
  await s.serveNext();
  assert.deepEqual(s.order, ['holder', 'other']);
  assert.equal(s.queue.waiting('a'), 1);
  assert.equal(s.queue.waiting('b'), 0);
});

test('waiters beyond maxWaiters are refused as full', async () => {
  const clock = createManualClock();
  const queue = createAdmissionQueue<K>({ clock, keys: ['a'], maxWaiters: 2, tryTake: () => 'full' });
  const outcomes = [1, 2, 3].map(() => queue.acquire('a', clock.now() + 1_000));
  clock.advance(1_000);
  const settled = await Promise.all(outcomes);
  assert.deepEqual(
    settled.map((o) => (o.ok ? 'ok' : o.reason)),
    ['deadline', 'deadline', 'full'],
  );
});

test('every waiter is answered by its deadline even when no slot is ever freed', async () => {
  const s = setup(0);
  for (let i = 0; i < 50; i++) s.enter(`w${i}`, 10 + i * 7);
  s.clock.advance(10 + 49 * 7);
  await settle();
  assert.equal(s.outcomes.size, 50);
  assert.ok([...s.outcomes.values()].every((o) => !o.ok));
  assert.equal(s.clock.pendingTimers(), 0);
});

test('a standing queue in one lane does not shorten the wait allowed in another', async () => {
  const s = setup(1, { targetMs: 5, intervalMs: 100 });
  s.enter('holder', 60_000);
  s.blocked.add('a');
  s.enter('stuck', 60_000, 'a');
  s.clock.advance(250);
  s.enter('trigger', 60_000, 'a');
  s.enter('b', 60_000, 'b');
  // 'b' waits 50 ms, far past lane a's slough time of 10 ms, but less than one of its own intervals.
  s.clock.advance(50);
  await settle();
  assert.equal(s.queue.mode('a'), 'lifo');
  assert.equal(s.queue.mode('b'), 'fifo');
  assert.equal(s.outcomes.has('b'), false);
  await s.serveNext();
  assert.deepEqual(s.order, ['holder', 'b']);
});

test('a freed slot goes to the first lane that can use it', async () => {
  const s = setup(1);
  s.enter('holder', 10_000, 'b');
  s.enter('b1', 10_000, 'b');
  s.enter('a1', 10_000, 'a');
  await s.serveNext();
  assert.deepEqual(s.order, ['holder', 'a1']);
});

test('a free slot is never left idle to shed a waiter: a lone stale waiter is served', async () => {
  const s = setup(1, { targetMs: 5, intervalMs: 100 });
  s.enter('holder', 60_000);
  s.enter('lone', 60_000);
  s.clock.advance(250);
  await s.serveNext();
  assert.deepEqual(s.order, ['holder', 'lone']);
  assert.equal(s.queue.mode('a'), 'lifo');
});

test('when overload begins at a freed slot, the waiters let in before it are served in arrival order, none shed', async () => {
  const s = setup(1, { targetMs: 5, intervalMs: 100 });
  s.enter('holder', 60_000);
  s.enter('old', 60_000);
  s.clock.advance(5);
  s.enter('mid', 60_000);
  s.clock.advance(5);
  s.enter('newer', 60_000);
  s.clock.advance(240);
  for (let i = 0; i < 3; i++) {
    s.free();
    await settle();
  }
  assert.equal(s.queue.mode('a'), 'lifo');
  assert.deepEqual(s.order, ['holder', 'old', 'mid', 'newer']);
  assert.equal([...s.outcomes.values()].filter((o) => !o.ok).length, 0);
  assert.equal(s.queue.length, 0);
});

test('a lone waiter is never shed, even while a slot stays busy past the slough time', async () => {
  const s = setup(1, { targetMs: 5, intervalMs: 100 });
  s.enter('holder', 60_000);
  s.enter('lone', 1_000);
  s.clock.advance(250);
  s.queue.drain(); // an event while every slot is still held
  await settle();
  assert.equal(s.outcomes.has('lone'), false);
  await s.serveNext();
  assert.deepEqual(s.order, ['holder', 'lone']);
});

test('a newcomer the lane cannot serve before its deadline is refused on arrival, not at the deadline', async () => {
  // One slot, each admission holding it 20 ms: with two queued ahead, a third waits about 60 ms.
  const s = setup(1, { holdMs: 20 });
  s.enter('holder', 10_000);
  s.enter('w1', 10_000);
  s.enter('w2', 10_000);
  s.enter('hopeless', 50);
  s.enter('patient', 500);
  await settle();
  assert.deepEqual(s.outcomes.get('hopeless'), { ok: false, reason: 'deadline', waitedMs: 0 });
  assert.equal(s.outcomes.has('patient'), false, 'a newcomer with time enough still queues');
  assert.equal(s.queue.waiting('a'), 3);
});

test('without a measured pace the queue predicts nothing and a short deadline still queues', async () => {
  const s = setup(1);
  s.enter('holder', 10_000);
  s.enter('w1', 10_000);
  s.enter('short', 1);
  await settle();
  assert.equal(s.outcomes.has('short'), false);
  s.clock.advance(1);
  await settle();
  assert.deepEqual(s.outcomes.get('short'), { ok: false, reason: 'deadline', waitedMs: 1 });
});

test('under a standing queue the newest waiters that the lane cannot reach within the slough time are shed as newer ones arrive', async () => {
  // One slot held 4 ms per admission: within the 10 ms slough the lane serves two waiters, and one
  // of those turns goes to the waiter let in before the queue stood.
  const s = setup(1, { targetMs: 5, intervalMs: 100, holdMs: 4 });
  s.enter('holder', 60_000);
  s.enter('promised', 60_000);
  s.clock.advance(250); // the queue has stood for whole intervals: overloaded
  s.enter('w1', 60_000);
  await settle();
  assert.equal(s.queue.mode('a'), 'lifo');
  assert.equal(s.outcomes.has('promised'), false);
  s.clock.advance(1);
  s.enter('w2', 60_000);
  s.clock.advance(1);
  s.enter('w3', 60_000);
  await settle();
  // Each was pushed back beyond the turn left to it: shed 1 ms after it came, not 10.
  assert.deepEqual(s.outcomes.get('w1'), { ok: false, reason: 'shed', waitedMs: 1 });
  assert.deepEqual(s.outcomes.get('w2'), { ok: false, reason: 'shed', waitedMs: 1 });
  assert.equal(s.queue.waiting('a'), 2);
  await s.serveNext();
  await s.serveNext();
  assert.deepEqual(s.order, ['holder', 'promised', 'w3']);
});

test('under a standing queue a newcomer is refused on arrival while those let in before it fill the slough time', async () => {
  // One slot held 4 ms: the 10 ms slough serves two, and two promised waiters are ahead.
  const s = setup(1, { targetMs: 5, intervalMs: 100, holdMs: 4 });
  s.enter('holder', 60_000);
  s.enter('p1', 60_000);
  s.enter('p2', 60_000);
  s.clock.advance(250);
  s.enter('late', 60_000);
  await settle();
  assert.equal(s.queue.mode('a'), 'lifo');
  assert.deepEqual(s.outcomes.get('late'), { ok: false, reason: 'shed', waitedMs: 0 });
  assert.equal(s.queue.waiting('a'), 2);
});

test('while the lane drains, a newcomer predicted to wait past a burst is refused on arrival, and the lane turns newest-first', async () => {
  // One slot held 40 ms by the measure; the third waiter would wait about 120 ms, past the 100 ms burst.
  const s = setup(1, { targetMs: 5, intervalMs: 100, holdMs: 40 });
  s.enter('holder', 60_000);
  s.enter('w1', 60_000);
  s.enter('w2', 60_000);
  s.enter('w3', 60_000);
  await settle();
  assert.deepEqual(s.outcomes.get('w3'), { ok: false, reason: 'shed', waitedMs: 0 });
  // The queue itself drains at once: no delay in this interval was past the target...
  s.clock.advance(1);
  await s.serveNext();
  await s.serveNext();
  assert.equal(s.queue.length, 0);
  // ...but the interval turned work away, so the next one starts newest-first.
  s.clock.advance(100);
  s.enter('next', 60_000);
  await settle();
  assert.equal(s.queue.mode('a'), 'lifo');
});

test("a request's later query goes ahead of newcomers and is refused only at its deadline", async () => {
  // One slot held 4 ms: the 10 ms slough serves two; two promised waiters are ahead.
  const s = setup(1, { targetMs: 5, intervalMs: 100, holdMs: 4 });
  s.enter('holder', 60_000);
  s.enter('p1', 60_000);
  s.enter('p2', 60_000);
  s.clock.advance(250);
  s.enter('newcomer', 60_000);
  s.enter('continuing', 300, 'a', undefined, true);
  await settle();
  assert.equal(s.queue.mode('a'), 'lifo');
  assert.equal(s.outcomes.get('newcomer')?.ok, false, 'a newcomer is refused');
  assert.equal(s.outcomes.has('continuing'), false, 'the continuing query waits');
  await s.serveNext();
  assert.deepEqual(s.order, ['holder', 'continuing']);
  s.enter('late-continuing', 50, 'a', undefined, true);
  s.clock.advance(50);
  await settle();
  assert.deepEqual(s.outcomes.get('late-continuing'), { ok: false, reason: 'deadline', waitedMs: 50 });
});

test("a queue that always waits less than one of the lane's hold times is not a standing queue; the same waits on a faster lane are", async () => {
  const modes: string[] = [];
  const refused: number[] = [];
  for (const holdMs of [20, 4]) {
    const s = setup(1, { targetMs: 5, intervalMs: 100, holdMs });
    s.enter('holder', 60_000);
    // Every waiter is served after 15 ms, for 400 ms: the queue never empties below 15 ms.
    for (let i = 0; i < 27; i++) {
      s.enter(`w${i}`, 60_000);
      s.clock.advance(15);
      s.free();
      await settle();
    }
    modes.push(s.queue.mode('a'));
    refused.push([...s.outcomes.values()].filter((o) => !o.ok).length);
  }
  assert.deepEqual(modes, ['fifo', 'lifo']);
  assert.equal(refused[0], 0, 'nobody is shed on the slower lane');
});

test('refusalOnArrival names the refusal a newcomer would get, and queues nothing to find out', async () => {
  // One slot held 20 ms a turn; two waiters ahead put a newcomer about 60 ms away.
  const s = setup(1, { holdMs: 20, targetMs: 5, intervalMs: 100 });
  const at = (ms: number) => s.clock.now() + ms;
  assert.equal(s.queue.refusalOnArrival('a', at(10)), undefined, 'an empty lane lets anyone in');
  s.enter('holder', 60_000);
  s.enter('w1', 60_000);
  s.enter('w2', 60_000);
  await settle();
  assert.equal(s.queue.refusalOnArrival('a', at(50)), 'deadline');
  assert.equal(s.queue.refusalOnArrival('a', at(500)), undefined);
  assert.equal(s.queue.refusalOnArrival('a', at(0)), 'deadline', 'a deadline already past');
  assert.equal(s.queue.refusalOnArrival('b', at(10)), undefined, 'another lane is not judged by this one');
  assert.equal(s.queue.waiting('a'), 2, 'asking queued nobody');
  assert.equal(s.outcomes.size, 1, 'and refused nobody');
  // The queue stands; its 10 ms slough serves less than the two promised waiters ahead.
  s.clock.advance(250);
  assert.equal(
    s.queue.refusalOnArrival('a', at(60_000)),
    'shed',
    'the promised waiters fill the slough time',
  );
  assert.equal(s.queue.mode('a'), 'lifo');
  await s.serveNext();
  await s.serveNext();
  assert.deepEqual(s.order, ['holder', 'w1', 'w2']);
  assert.equal(s.queue.refusalOnArrival('a', at(60_000)), undefined, 'no waiter: room for one');
  s.enter('w3', 60_000);
  await settle();
  assert.equal(s.queue.waiting('a'), 1);
  assert.equal(s.queue.refusalOnArrival('a', at(60_000)), 'shed', 'it would only push out an older waiter');
  assert.equal(s.queue.waiting('a'), 1);
});

test('refusalOnArrival says full once the queue holds maxWaiters', async () => {
  const clock = createManualClock(1_000);
  const queue = createAdmissionQueue<K>({ clock, keys: ['a', 'b'], maxWaiters: 1, tryTake: () => 'full' });
  assert.equal(queue.refusalOnArrival('a', 2_000), undefined);
  void queue.acquire('a', 2_000);
  assert.equal(queue.refusalOnArrival('a', 2_000), 'full');
});
