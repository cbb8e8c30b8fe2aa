import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';

/** One-second samples of event-loop utilisation averaged by the gauge (a 5 s window). */
const ELU_SAMPLES = 5;

/**
 * Process CPU and memory, heap, GC and event-loop delay (prom-client's default collectors), plus
 * event-loop utilisation, which they lack: the share of time the loop was busy. Delay says callbacks
 * waited; utilisation near 1 says the worker's own CPU is the bottleneck. Returns a stop function.
 */
export function collectRuntimeMetrics(registry: Registry): () => void {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const samples: number[] = [];
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    samples.push(performance.eventLoopUtilization(now, last).utilization);
    if (samples.length > ELU_SAMPLES) samples.shift();
    last = now;
  }, 1_000);
  timer.unref();
  new Gauge({
    name: 'nodejs_eventloop_utilization_ratio',
    help: 'Share of time the event loop was busy over the last 5 s (0..1); averaged across workers.',
    registers: [registry],
    aggregator: 'average',
    collect() {
      if (samples.length === 0) {
        this.set(performance.eventLoopUtilization(performance.eventLoopUtilization(), last).utilization);
        return;
      }
      this.set(samples.reduce((a, b) => a + b, 0) / samples.length);
    },
  });
  return () => clearInterval(timer);
}
