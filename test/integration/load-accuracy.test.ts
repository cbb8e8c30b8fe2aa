// The generator's accuracy against servers whose answers we know (issue: "Accuracy"). These are the
// measurements the generator must get right before its numbers about the API mean anything.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import {
  emptyFixtures,
  markdownReport,
  runScenario,
  simpleScenario,
  startTrivialServer,
  type TrivialServer,
} from '../../src/load/index.js';

let delayed: TrivialServer;
let instant: TrivialServer;

before(async () => {
  [delayed, instant] = await Promise.all([startTrivialServer(20), startTrivialServer(0)]);
});
after(async () => {
  await Promise.all([delayed?.stop(), instant?.stop()]);
});

/**
 * The median time a plain client takes to get an answer, one request at a time: what the server's
 * answers really take on this machine, loopback and parsing included, for the generator to match.
 */
async function directP50(origin: string, requests = 100): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const res = await request(origin);
    await res.body.text();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

test('against a server that always takes 20 ms, at a rate well below its capacity, p50 reads what a plain client reads, within 10%', async () => {
  // Not 20 ms itself: the server's timer fires a little late and loopback adds about a millisecond
  // (21-21.4 ms in all on a slow day), which no generator can leave out.
  const direct = await directP50(delayed.origin);
  assert.ok(direct >= 20, `a plain client reads ${direct} ms: the server waits its 20 ms`);
  const r = await runScenario({
    baseUrl: delayed.origin,
    scenario: simpleScenario({ rate: 200, durationMs: 5000 }),
    fixtures: emptyFixtures(),
  });
  assert.equal(r.total.requests, 1000);
  assert.equal(r.total.ok, 1000);
  const within10 = (ms: number) => Math.abs(ms - direct) <= 0.1 * direct;
  assert.ok(within10(r.total.latency.p50), `p50 ${r.total.latency.p50} ms, a plain client ${direct} ms`);
  assert.ok(
    within10(r.total.service.p50),
    `service p50 ${r.total.service.p50} ms, a plain client ${direct} ms`,
  );
});

test('a 1 s stall in the middle of a 10 s run shows in the corrected p99, for every request due during it', async () => {
  let stalled = false;
  const r = await runScenario({
    baseUrl: instant.origin,
    scenario: simpleScenario({ rate: 200, durationMs: 10_000 }),
    fixtures: emptyFixtures(),
    onProgress: (p) => {
      if (stalled || p.elapsedMs < 3000) return;
      stalled = true;
      void request(`${instant.origin}/__stall?ms=1000`).then((res) => res.body.dump());
    },
  });
  assert.ok(stalled);
  assert.equal(r.total.ok, 2000);
  // ~200 of 2,000 requests were due during the stall and waited 0–1,000 ms: p99 ≈ 900 ms
  assert.ok(r.total.latency.p99 >= 800, `corrected p99 ${r.total.latency.p99} ms`);
  assert.ok(r.total.latency.max >= 950, `max ${r.total.latency.max} ms`);
  // the slices by intended time show where: one or two seconds hold the stall
  const stalledSlices = r.timeline.filter((s) => s.max >= 500);
  assert.ok(
    stalledSlices.length >= 1 && stalledSlices.length <= 2,
    JSON.stringify(r.timeline.map((s) => s.max)),
  );
});

test('when the generator cannot keep the rate, the result and the report say so', async () => {
  const r = await runScenario({
    baseUrl: instant.origin,
    // far past what one process can send, with a small cap on requests in flight
    scenario: simpleScenario({ rate: 200_000, durationMs: 1000, maxOutstanding: 500, connections: 16 }),
    fixtures: emptyFixtures(),
    processes: 1,
  });
  const g = r.generator;
  assert.equal(g.intended, 200_000);
  assert.ok(g.late > 0, `late ${g.late}`);
  assert.ok(g.dropped > 0, `dropped ${g.dropped}`);
  assert.equal(g.sent + g.dropped, g.intended);
  assert.equal(r.total.byStatus.dropped, g.dropped);
  assert.equal(g.keptRate, false);
  assert.match(markdownReport(r), /The generator could not keep the rate/);
});
