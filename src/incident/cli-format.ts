import type { ListedAction } from './actions/action-service.js';
import { formatDuration } from './model/timings.js';
import type { Incident } from './model/types.js';
import type { IncidentDetail } from './service/incident-service.js';

const t = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');

/** One line per incident, newest first. */
export function incidentTable(incidents: Incident[]): string {
  if (incidents.length === 0) return 'no incidents\n';
  const rows = incidents.map(
    (i) =>
      `${String(i.id).padStart(4)}  ${i.severity}  ${i.status.padEnd(13)} ${t(i.detectedAt)}  ${i.ownerTeam ?? '-'}  ${i.title}`,
  );
  return `${'  id  sev   status        opened               owner  title'}\n${rows.join('\n')}\n`;
}

/** The incident as an operator reads it in a terminal. */
export function incidentText(d: IncidentDetail): string {
  const i = d.incident;
  const lines = [
    `incident ${i.id}: ${i.title}`,
    `  ${i.severity} · ${i.status} · opened by ${i.openedBy} · owner ${i.ownerTeam ?? '-'} · escalation level ${i.escalationLevel}`,
    `  commander ${i.commander ?? '-'} · communications ${i.communications ?? '-'} · operations ${i.operations ?? '-'}`,
    `  started ${t(i.startedAt)} · detected ${t(i.detectedAt)} · acknowledged ${t(i.acknowledgedAt)} · mitigated ${t(i.mitigatedAt)} · resolved ${t(i.resolvedAt)}`,
    `  time to detect ${formatDuration(d.timings.timeToDetectMs)} · acknowledge ${formatDuration(d.timings.timeToAcknowledgeMs)} · recover ${formatDuration(d.timings.timeToRecoverMs)}`,
  ];
  if (d.impact) {
    lines.push(
      `  impact: ${d.impact.affectedUsers}/${d.impact.activeUsers} users (${(d.impact.affectedShare * 100).toFixed(1)}%), ${d.impact.requestsFailed} failed and ${d.impact.requestsSlow} slow of ${d.impact.requests} requests`,
    );
  }
  const top = i.diagnosis?.suspects[0];
  if (top)
    lines.push(
      `  diagnosis: ${top.component}${top.target ? ` ${top.target}` : ''} (${Math.round(top.confidence * 100)}%) ${top.summary}`,
    );
  for (const r of d.runbooks) lines.push(`  runbook ${r.alert}: ${r.path}`);
  lines.push('', 'timeline:');
  for (const e of d.timeline) lines.push(`  ${t(e.at)}  ${e.source.padEnd(10)} ${e.summary}`);
  if (d.actions.length) {
    lines.push('', 'action items:');
    for (const a of d.actions)
      lines.push(`  ${a.id} ${a.status} ${a.type} ${a.priority} due ${a.dueDate} ${a.owner}: ${a.title}`);
  }
  if (d.postmortem) lines.push('', `postmortem: bulwark incident postmortem ${i.id} --format md|html`);
  return `${lines.join('\n')}\n`;
}

export function actionTable(actions: ListedAction[]): string {
  if (actions.length === 0) return 'no action items\n';
  return `${actions
    .map(
      (a) =>
        `${String(a.id).padStart(4)}  ${a.status.padEnd(11)} ${a.type.padEnd(8)} ${a.priority}  due ${a.dueDate}${a.overdue ? ' OVERDUE' : '        '}  ${a.recurrence ?? '-'}  ${a.owner}: ${a.title}`,
    )
    .join('\n')}\n`;
}
