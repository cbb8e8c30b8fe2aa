import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type OpsEvent, OpsEventBus } from '../telemetry/index.js';
import { createAlertNotifier } from './alert-notifier.js';
import { FIRMER_BY, MonitorLoop } from './monitor-loop.js';
import type { DbReading } from './window-builder.js';
import type { WorkerProbe } from './worker-probe.js';

/** A worker whose counters advance as the test says: 100 requests and 300 statements a second. */
function fakeWorker() {
  const p: WorkerProbe = {
    pid: 4242,
    at: 0,
    requests: 0,
    errors: 0,
    slow: 0,
    requestMs: 0,
    poolWaitMs: 0,
    queryMs: 0,
    queryCalls: 0,
    cacheMs: 0,
    cacheHits: 0,
    cacheMisses: 0,
    rejections: 0,
    cpuMs: 0,
    runQueueMs: 0,
    eluIdleMs: 0,
    eluActiveMs: 0,
    loopDelayP99Ms: 12,
    poolWaitP95Ms: 1,
    pool: { size: 4, busy: 1, waiting: 0 },
    queries: [
      {
        id: 'q1',
        text: 'select 1 from articles where id = $1',
        firstSeen: 0,
        calls: 0,
        totalMs: 0,
        poolWaitMs: 0,
        plan: null,
      },
    ],
    dependencies: [{ name: 'moderation', calls: 0, totalMs: 0, errors: 0 }],
  };
  return {
    advance(now: number, depMs: number) {
      const q = p.queries[0];
      const d = p.dependencies[0];
      if (!q || !d) throw new Error('unreachable');
      p.at = now;
      p.requests += 100;
      p.requestMs += 100 * 3 + 10 * depMs;
      p.queryMs += 300 * 0.5;
      p.queryCalls += 300;
      q.calls += 300;
      q.totalMs += 300 * 0.5;
      d.calls += 10;
      d.totalMs += 10 * depMs;
      p.cpuMs += 300;
      p.eluActiveMs += 300;
      p.eluIdleMs += 700;
      return structuredClone(p);
    },
  };
}

/**
 * A monitor loop over one fake worker whose moderation calls take `dep.ms`, on a manual clock
 * (`clock.now`), with every event it emits collected in `events`.
 */
function dependencyLoop() {
  const clock = { now: 0 };
  const dep = { ms: 3 };
  const w = fakeWorker();
  const bus = new OpsEventBus();
  const events: OpsEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const db: DbReading = {
    roundTripMs: 0.3,
    active: 0.1,
    locks: { waiting: 0, maxWaitMs: 0, blockedFingerprints: [] },
  };
  const loop = new MonitorLoop({
    settings: {
      availabilityTarget: 0.999,
      latencyTarget: 0.99,
      latencyThresholdMs: 300,
      timeScale: 1,
      minRequests: 100,
      poolWaitP95Ms: 100,
      rejectionsPerSecond: 1,
    },
    clock: { now: () => clock.now },
    collect: async () => [w.advance(clock.now, dep.ms)],
    db: { read: async () => db },
    bus,
    notifier: createAlertNotifier({ bus, log: () => {} }),
    log: () => {},
  });
  /** Ticks once a second from `from` to `to` (ms). */
  const run = async (from: number, to: number) => {
    for (clock.now = from; clock.now <= to; clock.now += 1000) await loop.tick();
  };
  return { loop, events, dep, clock, run };
}

test('the loop names a dependency that slows, emits the change once, and never learns the slow state as normal', async () => {
  const { loop, events, dep, clock, run } = dependencyLoop();
  await run(1000, 40_000);
  assert.equal(loop.state()?.verdict.suspects.length, 0);
  assert.equal(Math.round(loop.state()?.baseline?.dependencies[0]?.meanMs ?? 0), 3);
  // the onset: moderation answers in 200 ms from now on, and stays slow for a minute
  dep.ms = 200;
  let namedAt: number | null = null;
  for (clock.now = 41_000; clock.now <= 100_000; clock.now += 1000) {
    const s = await loop.tick();
    if (namedAt === null && s.verdict.suspects[0]?.component === 'dependency') namedAt = clock.now;
    assert.ok(
      namedAt === null || s.verdict.suspects[0]?.component === 'dependency',
      `lost it at ${clock.now}: ${s.line}`,
    );
  }
  assert.ok(namedAt !== null && namedAt - 40_000 <= 5000, `named at ${namedAt}`);
  assert.ok(
    (loop.state()?.baseline?.dependencies[0]?.meanMs ?? 0) < 10,
    JSON.stringify(loop.state()?.baseline?.dependencies),
  );
  const changes = events.filter((e) => e.kind === 'diagnosis.changed');
  assert.deepEqual(
    changes.map((e) => [e.source, (e.data as { current: string }).current]),
    [['diagnosis', 'dependency:moderation']],
  );
  await loop.stop();
});

test('a suspect first named weakly at the onset is emitted again as it firms up, and not again while it holds steady', async () => {
  const { loop, events, dep, run } = dependencyLoop();
  await run(1000, 40_000);
  dep.ms = 200;
  await run(41_000, 100_000);
  await loop.stop();
  const named = events.filter((e) => e.source === 'diagnosis');
  const confidences = named.map(
    (e) =>
      (e.data as { verdict: { suspects: { confidence: number }[] } }).verdict.suspects[0]?.confidence ?? 0,
  );
  assert.deepEqual(
    named.map((e) => [e.kind, (e.data as { current: string }).current]),
    [
      ['diagnosis.changed', 'dependency:moderation'],
      ...named.slice(1).map(() => ['diagnosis.firmer', 'dependency:moderation']),
    ],
  );
  assert.ok(
    named.length >= 2,
    `the first sighting (${confidences[0]}) was not the firmest one: ${confidences.join(', ')}`,
  );
  for (let i = 1; i < confidences.length; i++)
    assert.ok((confidences[i] ?? 0) >= (confidences[i - 1] ?? 0) + FIRMER_BY, confidences.join(', '));
  const last = loop.state()?.verdict.suspects[0]?.confidence ?? 0;
  assert.ok(last < (confidences.at(-1) ?? 0) + FIRMER_BY, `${last} vs ${confidences.join(', ')}`);
});
