import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Registry } from 'prom-client';
import { createSupervisorMetrics, createWorkerMetrics, SUPERVISOR_PREFIX } from '../src/telemetry/index.js';

interface Row {
  type: string;
  labels: string[];
}

function documented(): Map<string, Row> {
  const doc = readFileSync('docs/metrics.md', 'utf8');
  const table = doc.split('<!-- metrics:begin -->')[1]?.split('<!-- metrics:end -->')[0] ?? '';
  const rows = new Map<string, Row>();
  for (const m of table.matchAll(/^\|\s*`([a-z0-9_:]+)`\s*\|\s*([a-z]+)[^|]*\|[^|]*\|([^|]*)\|/gm)) {
    const labels = [...(m[3] ?? '').matchAll(/`([a-z_]+)`/g)].map((l) => l[1] as string);
    rows.set(m[1] as string, { type: m[2] as string, labels: labels.sort() });
  }
  return rows;
}

function live(registry: Registry): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const metric of registry.getMetricsAsArray()) {
    const m = metric as unknown as { name: string; type: string; labelNames?: string[] };
    out.set(m.name, { type: m.type, labels: (m.labelNames ?? []).filter((l) => l !== 'le').sort() });
  }
  return out;
}

test('docs/metrics.md lists exactly the metrics of the live registries, with their types and labels', async () => {
  const worker = createWorkerMetrics({ sources: {} });
  const supervisor = createSupervisorMetrics({ workers: () => 1 });
  try {
    const expected = live(worker.registry);
    for (const [name, row] of live(supervisor)) {
      // The supervisor's runtime metrics are the workers' names with a prefix; the table has them once.
      const plain = name.startsWith(SUPERVISOR_PREFIX) ? name.slice(SUPERVISOR_PREFIX.length) : name;
      if (plain !== name) assert.ok(expected.has(plain), `${name} has no unprefixed twin`);
      else expected.set(name, row);
    }
    assert.deepEqual(
      [...documented()].sort(([a], [b]) => a.localeCompare(b)),
      [...expected].sort(([a], [b]) => a.localeCompare(b)),
    );
  } finally {
    worker.close();
  }
});
