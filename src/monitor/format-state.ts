import type { MonitorState } from './monitor-loop.js';

/** The verdict for a terminal: suspects ranked with their evidence, then what is healthy. */
export function formatState(s: MonitorState): string {
  const lines: string[] = [];
  const w = s.window;
  lines.push(
    `diagnosis at ${s.at}: ${w.requests} requests in ${w.durationS.toFixed(1)} s, ${w.errors} errors${s.baseline ? '' : ' (no baseline yet: compared with reference values)'}`,
  );
  if (s.verdict.suspects.length === 0) lines.push('', 'no bottleneck found');
  s.verdict.suspects.forEach((x, i) => {
    lines.push(
      '',
      `${i + 1}. ${x.component}${x.target ? ` [${x.target}]` : ''}  confidence ${Math.round(x.confidence * 100)}%${i === 0 && s.since ? `  since ${s.since}` : ''}`,
      `   ${x.summary}`,
    );
    for (const e of x.evidence) lines.push(`   - ${e}`);
    if (x.suggestion) lines.push(`   → ${x.suggestion}`);
  });
  if (s.verdict.healthy.length > 0) {
    lines.push('', 'healthy:');
    for (const h of s.verdict.healthy) lines.push(`   ✓ ${h}`);
  }
  if (s.alerts.length > 0) {
    lines.push('', 'alerts:');
    for (const a of s.alerts)
      lines.push(`   ${a.state.padEnd(8)} ${a.labels.alertname} (${a.labels.severity})`);
  }
  return `${lines.join('\n')}\n`;
}
