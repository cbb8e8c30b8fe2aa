import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineChart } from './svg-chart.js';

test('a chart escapes every name, wraps a long legend into rows, and draws no NaN', () => {
  const series = Array.from({ length: 8 }, (_, i) => ({
    name: `<b>series ${i}</b> with a long name`,
    color: '#000',
    points: [
      [0, 1],
      [1, i],
      [2, 0],
    ] as [number, number][],
  }));
  const svg = lineChart({
    title: 'T & <x>',
    yLabel: 'y',
    series,
    logY: true,
    bands: [{ from: 0, to: 1, label: 'a"b' }],
  });
  assert.doesNotMatch(svg, /<b>|NaN|Infinity/);
  assert.match(svg, /T &amp; &lt;x&gt;/);
  assert.match(svg, /a&quot;b/);
  const legendRows = new Set(
    [...svg.matchAll(/<text x="[\d.]+" y="(\d+)" font-size="11"/g)].map((m) => m[1]),
  );
  assert.ok(legendRows.size >= 3, `legend rows: ${[...legendRows].join(', ')}`);
});
