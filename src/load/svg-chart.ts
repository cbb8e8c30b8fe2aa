// Line charts as inline SVG, so a report is one self-contained file that opens anywhere (no script,
// no CDN). Phases are shaded behind the lines, so the spike is visible at a glance.

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

export interface Band {
  from: number;
  to: number;
  label: string;
}

export interface ChartOptions {
  title: string;
  yLabel: string;
  series: Series[];
  bands?: Band[];
  /** Log scale for latencies that span 1 ms to seconds. */
  logY?: boolean;
  /** Fixed top of the axis (e.g. 100 for percentages). */
  yMax?: number;
  formatY?: (y: number) => string;
}

export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const W = 760;
const L = 64;
const R = 16;
const B = 40;
const PLOT_H = 186;

/** Legend entries laid out in rows under the title. */
function legendLayout(series: readonly Series[]): { x: number; y: number }[] {
  let x = L;
  let y = 34;
  return series.map((s) => {
    const width = 28 + s.name.length * 6.2;
    if (x + width > W - R && x > L) {
      x = L;
      y += 15;
    }
    const at = { x, y };
    x += width;
    return at;
  });
}

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

export function lineChart(o: ChartOptions): string {
  const legend = legendLayout(o.series);
  const T = (legend[legend.length - 1]?.y ?? 20) + 12;
  const H = T + PLOT_H + B;
  const all = o.series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]), ...(o.bands ?? []).map((b) => b.to));
  const fmt = o.formatY ?? ((y: number) => (y >= 1000 ? `${y / 1000}k` : String(Math.round(y * 100) / 100)));
  let y: (v: number) => number;
  let ticks: number[];
  if (o.logY) {
    const vals = all.map((p) => p[1]).filter((v) => v > 0);
    const lo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...vals, 1))));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(lo * 10, ...vals)));
    const span = Math.log10(hi) - Math.log10(lo);
    y = (v) => T + (H - T - B) * (1 - (Math.log10(Math.max(lo, v)) - Math.log10(lo)) / span);
    ticks = [];
    for (let v = lo; v <= hi * 1.001; v *= 10) ticks.push(v);
  } else {
    const top = o.yMax ?? Math.max(1, ...all.map((p) => p[1])) * 1.08;
    const step = niceStep(top, 5);
    const max = o.yMax ?? Math.ceil(top / step) * step;
    y = (v) => T + (H - T - B) * (1 - v / max);
    ticks = [];
    for (let v = 0; v <= max + 1e-9; v += step) ticks.push(v);
  }
  const x = (v: number) => L + ((W - L - R) * v) / xMax;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(o.title)}">`,
    `<text x="${L}" y="18" font-size="14" font-weight="600">${esc(o.title)}</text>`,
  );
  for (const [i, b] of (o.bands ?? []).entries()) {
    parts.push(
      `<rect x="${x(b.from).toFixed(1)}" y="${T}" width="${Math.max(0, x(b.to) - x(b.from)).toFixed(1)}" height="${H - T - B}" fill="${i % 2 ? '#f3f4f6' : '#fafafa'}"/>`,
      `<text x="${(x(b.from) + 3).toFixed(1)}" y="${T + 11}" font-size="10" fill="#6b7280">${esc(b.label)}</text>`,
    );
  }
  for (const t of ticks) {
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${L - 6}" y="${(y(t) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#374151">${esc(fmt(t))}</text>`,
    );
  }
  const xStep = niceStep(xMax, 8);
  for (let t = 0; t <= xMax + 1e-9; t += xStep) {
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${H - B + 14}" font-size="10" text-anchor="middle" fill="#374151">${t}</text>`,
    );
  }
  parts.push(
    `<text x="${(L + W - R) / 2}" y="${H - 6}" font-size="10" text-anchor="middle" fill="#374151">seconds</text>`,
    `<text x="12" y="${(T + H - B) / 2}" font-size="10" text-anchor="middle" fill="#374151" transform="rotate(-90 12 ${(T + H - B) / 2})">${esc(o.yLabel)}</text>`,
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#9ca3af"/>`,
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#9ca3af"/>`,
  );
  for (const [i, s] of o.series.entries()) {
    const at = legend[i] as { x: number; y: number };
    if (s.points.length > 0) {
      const d = s.points
        .map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`)
        .join('');
      parts.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ''}><title>${esc(s.name)}</title></path>`,
      );
    }
    parts.push(
      `<line x1="${at.x}" x2="${at.x + 16}" y1="${at.y - 4}" y2="${at.y - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      `<text x="${at.x + 20}" y="${at.y}" font-size="11" fill="#111827">${esc(s.name)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
