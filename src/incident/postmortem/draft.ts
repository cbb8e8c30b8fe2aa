import type { DiagnosisVerdict, Suspect } from '../../telemetry/index.js';
import { formatDuration, type Timings } from '../model/timings.js';
import type { ActionItem, Incident, StoredAlert, TimelineEvent } from '../model/types.js';

/** The stored facts a postmortem is drafted from. */
export interface PostmortemFacts {
  incident: Incident;
  alerts: StoredAlert[];
  timeline: TimelineEvent[];
  actions: ActionItem[];
  timings: Timings;
  runbooks: { alert: string; path: string }[];
}

const TRIGGER_SOURCES = new Set(['chaos', 'deploy', 'config']);

const time = (iso: string): string => iso.slice(11, 19);
const day = (iso: string): string => iso.slice(0, 10);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
/** Keeps table cells and list items on one line, and code spans closed. */
const inline = (text: string): string => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

/**
 * The verdict that explains the incident: of the diagnoses recorded on its timeline, the most
 * confident one that named a suspect (the latest of equals). The final verdict is useless here: after
 * the fix it says that everything is healthy.
 */
export function explainingVerdict(facts: PostmortemFacts): DiagnosisVerdict | null {
  let best: DiagnosisVerdict | null = null;
  for (const e of facts.timeline) {
    if (e.source !== 'diagnosis') continue;
    const v = e.data as unknown as DiagnosisVerdict | null;
    const top = v?.suspects?.[0];
    if (!v || !top) continue;
    if (!best || top.confidence >= (best.suspects[0]?.confidence ?? 0)) best = v;
  }
  return best ?? (facts.incident.diagnosis?.suspects.length ? facts.incident.diagnosis : null);
}

/** A suspect as named over the whole incident: its most confident sighting, evidence from all. */
export interface NamedSuspect {
  suspect: Suspect;
  evidence: string[];
}

/** Evidence lines of one kind differ only in their numbers: `pool 6/6 busy…` is one kind. */
const kindOf = (line: string): string => line.replace(/\d+([.,]\d+)?/g, '#').slice(0, 48);

/** The span in which the users were hurt: from the onset to the end of the impact. */
export interface ImpactWindow {
  from: string;
  to: string;
}

/**
 * Every suspect the diagnosis named during the incident, each with the evidence of all its
 * sightings (one line per kind, from the most confident sighting that had it): a pool that was
 * saturated at one tick and not the next is still part of the story.
 *
 * Without a window they come most confident first. With the impact's window, the first is the
 * suspect that held the top of the verdict longest and most confidently while users were hurt (the
 * seconds it was on top, each weighted by its confidence then): one tick is not the story. A fault's
 * first second reads as a pool problem (the queue forms at once, the 10 s mean of the statement that
 * caused it has barely moved), and so does the first window after the fix (the queue still drains,
 * the statement is fast again); neither lasts. Sightings outside the window rank after those in it.
 */
export function namedSuspects(timeline: readonly TimelineEvent[], window?: ImpactWindow): NamedSuspect[] {
  const from = window ? Date.parse(window.from) : Number.NEGATIVE_INFINITY;
  const to = window ? Date.parse(window.to) : Number.POSITIVE_INFINITY;
  const diagnoses = timeline.filter((e) => e.source === 'diagnosis');
  const keyOf = (s: Suspect) => `${s.component}|${s.target ?? ''}`;
  const onTop = new Map<string, number>();
  const sightings: { s: Suspect; outside: boolean }[] = [];
  diagnoses.forEach((e, i) => {
    const at = Date.parse(e.at);
    const suspects = (e.data as { suspects?: Suspect[] } | null)?.suspects ?? [];
    for (const s of suspects) sightings.push({ s, outside: at < from || at > to });
    const top = suspects[0];
    if (!top || !window) return;
    // on top from this verdict to the next one, within the window
    const next = diagnoses[i + 1];
    const ms = Math.min(to, next ? Date.parse(next.at) : to) - Math.max(from, at);
    if (ms > 0) onTop.set(keyOf(top), (onTop.get(keyOf(top)) ?? 0) + ms * top.confidence);
  });
  sightings.sort((a, b) => Number(a.outside) - Number(b.outside) || b.s.confidence - a.s.confidence);
  const named = new Map<string, { suspect: Suspect; evidence: Map<string, string> }>();
  for (const { s } of sightings) {
    let entry = named.get(keyOf(s));
    if (!entry) {
      entry = { suspect: s, evidence: new Map() };
      named.set(keyOf(s), entry);
    }
    for (const line of s.evidence)
      if (!entry.evidence.has(kindOf(line))) entry.evidence.set(kindOf(line), line);
  }
  return [...named.entries()]
    .sort(([a], [b]) => (onTop.get(b) ?? 0) - (onTop.get(a) ?? 0))
    .map(([, n]) => ({ suspect: n.suspect, evidence: [...n.evidence.values()] }));
}

function suspectLine(s: Suspect): string {
  const target = s.target ? ` \`${inline(s.target).replace(/`/g, "'")}\`` : '';
  return `**${s.component}**${target} (confidence ${Math.round(s.confidence * 100)}%): ${inline(s.summary)}`;
}

function summarySection(f: PostmortemFacts): string[] {
  const i = f.incident;
  const end = i.impact?.to ?? i.mitigatedAt ?? i.resolvedAt;
  const lines = ['## SUMMARY OF THE INCIDENT', ''];
  lines.push(
    `**Duration:** The incident lasted ${formatDuration(f.timings.timeToRecoverMs)}, from ${time(i.startedAt)} to ${end ? time(end) : 'now'} (UTC, ${day(i.startedAt)})${i.resolvedAt ? `; it was resolved at ${time(i.resolvedAt)}` : ''}.`,
  );
  const m = i.impact;
  lines.push(
    m
      ? `**Impact:** ${m.affectedUsers} of ${m.activeUsers} active users (${pct(m.affectedShare)}) had at least one failed or over-objective request; ${m.requestsFailed} of ${m.requests} requests failed and ${m.requestsSlow} more were slower than the latency objective.`
      : '**Impact:** not measured: no telemetry source was connected to the incident service.',
  );
  lines.push(`**Severity:** ${i.severity}. **Status:** ${i.status}.`);
  lines.push('');
  return lines;
}

function detectionSection(f: PostmortemFacts): string[] {
  const i = f.incident;
  const firstAlert = [...f.alerts].sort((a, b) => (a.startsAt < b.startsAt ? -1 : 1))[0];
  const trigger = f.timeline.find((e) => TRIGGER_SOURCES.has(e.source));
  const owner = f.timeline.find((e) => e.kind === 'incident.paged' || e.kind === 'incident.escalated');
  return [
    `**Detection:** ${
      firstAlert
        ? `the alert \`${firstAlert.alertname}\` fired at ${time(firstAlert.startsAt)} and opened the incident at ${time(i.detectedAt)}`
        : `opened by hand at ${time(i.detectedAt)}`
    }; time to detect ${formatDuration(f.timings.timeToDetectMs)}.`,
    `**Trigger:** ${trigger ? `${inline(trigger.summary)} (${trigger.source}, ${time(trigger.at)})` : 'no deploy, configuration change or injected fault was recorded before the incident.'}`,
    `**Escalation:** ${owner ? `${inline(owner.summary)} at ${time(owner.at)}` : 'nobody was paged'}.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| time to detect (MTTD) | ${formatDuration(f.timings.timeToDetectMs)} |`,
    `| time to acknowledge (MTTA) | ${formatDuration(f.timings.timeToAcknowledgeMs)} |`,
    `| time to recover (MTTR) | ${formatDuration(f.timings.timeToRecoverMs)} |`,
    `| time to resolve | ${formatDuration(f.timings.timeToResolveMs)} |`,
    '',
  ];
}

function rootCauseSection(named: NamedSuspect[]): string[] {
  const lines = ['## Root Cause', ''];
  const cause = named[0];
  if (!cause)
    return [
      ...lines,
      'The diagnosis named no suspect during the incident. _To be written by the authors._',
      '',
    ];
  lines.push(
    `The diagnosis named, longest and most confidently while users were affected: ${suspectLine(cause.suspect)}.`,
    '',
  );
  return lines;
}

function timelineSection(f: PostmortemFacts): string[] {
  const lines = [`## Timeline (UTC, ${day(f.incident.startedAt)})`, ''];
  for (const e of f.timeline) lines.push(`- **${time(e.at)}** (${e.source}) ${inline(e.summary)}`);
  lines.push('');
  return lines;
}

function resolutionSection(
  f: PostmortemFacts,
  named: NamedSuspect[],
  verdict: DiagnosisVerdict | null,
): string[] {
  const lines = ['## Root Cause and Resolution', ''];
  const [cause, ...others] = named;
  if (cause) {
    lines.push(suspectLine(cause.suspect), '');
    for (const e of cause.evidence) lines.push(`- ${inline(e)}`);
    if (cause.suspect.suggestion) lines.push(`- suggested: ${inline(cause.suspect.suggestion)}`);
    lines.push('');
  }
  if (others.length) {
    lines.push(
      'Also suspected during the incident, for less time, with less confidence or only once the users had recovered (not the cause):',
      '',
    );
    for (const o of others) lines.push(`- ${suspectLine(o.suspect)}`);
    lines.push('');
  }
  if (verdict?.healthy.length) {
    lines.push('Checked and found healthy (not the cause):', '');
    for (const h of verdict.healthy) lines.push(`- ${inline(h)}`);
    lines.push('');
  }
  const fixes = f.timeline.filter(
    (e) =>
      e.at >= f.incident.detectedAt &&
      (e.source === 'operator' ||
        TRIGGER_SOURCES.has(e.source) ||
        e.source === 'autoscaler' ||
        e.source === 'failover'),
  );
  lines.push(
    fixes.length
      ? 'What was done:'
      : 'No mitigation was recorded on the timeline. _To be written by the authors._',
    '',
  );
  for (const e of fixes) lines.push(`- ${time(e.at)} ${inline(e.summary)}`);
  if (fixes.length) lines.push('');
  return lines;
}

function measuresSection(f: PostmortemFacts, named: NamedSuspect[]): string[] {
  const lines = ['## Corrective and Preventative Measures', ''];
  const suggestions = named
    .slice(0, 1)
    .map((n) => n.suspect)
    .filter((s) => s.suggestion);
  for (const s of suggestions) lines.push(`- **${s.component}:** ${inline(s.suggestion as string)}`);
  for (const a of f.actions) lines.push(`- **${a.type}:** ${inline(a.title)}`);
  if (lines.length === 2) lines.push('- _None recorded yet._');
  lines.push('');
  return lines;
}

function tasksSection(f: PostmortemFacts): string[] {
  const lines = ['## Tasks', ''];
  f.actions.forEach((a, n) => {
    lines.push(
      `${n + 1}. ${inline(a.title)} (owner ${a.owner}, ${a.type}, ${a.priority}, due ${a.dueDate}${a.recurrence ? `, ${a.recurrence}` : ''}, ${a.status})`,
    );
  });
  if (f.actions.length === 0)
    lines.push('_No action items yet: add them with `bulwark incident actions add`._');
  lines.push('');
  return lines;
}

function lessonsSection(f: PostmortemFacts, named: NamedSuspect[]): string[] {
  const i = f.incident;
  const well: string[] = [];
  const wrong: string[] = [];
  if (i.openedBy === 'alert')
    well.push(
      `Detected by an alert, without a user report (${formatDuration(f.timings.timeToDetectMs)} after onset).`,
    );
  // When the diagnosis first named what turned out to be the cause: the seed lost three hours here.
  const cause = named[0]?.suspect;
  const firstNamed =
    cause &&
    f.timeline.find(
      (e) =>
        e.source === 'diagnosis' &&
        ((e.data as { suspects?: Suspect[] } | null)?.suspects ?? []).some(
          (x) => x.component === cause.component && x.target === cause.target,
        ),
    );
  if (cause && firstNamed) {
    const ms = Date.parse(firstNamed.at) - Date.parse(i.startedAt);
    well.push(`The diagnosis named ${cause.component} ${formatDuration(Math.max(0, ms))} after onset.`);
  }
  const paged = f.timeline.find((e) => e.kind === 'incident.paged');
  if (paged) well.push(`The owning team was paged by policy: ${inline(paged.summary)}.`);
  if (i.impact && i.impact.affectedShare > 0) {
    wrong.push(
      `${pct(i.impact.affectedShare)} of active users were affected; ${i.impact.requestsFailed} requests failed.`,
    );
  }
  if (f.timings.timeToAcknowledgeMs === null) wrong.push('Nobody acknowledged the incident.');
  else if (f.timings.timeToAcknowledgeMs > 5 * 60_000) {
    wrong.push(`Acknowledgement took ${formatDuration(f.timings.timeToAcknowledgeMs)}.`);
  }
  const flapping = f.alerts.filter((a) => a.fireCount > 1);
  for (const a of flapping) wrong.push(`\`${a.alertname}\` fired ${a.fireCount} times (flapping).`);
  const escalations = f.timeline.filter((e) => e.kind === 'incident.escalated').length;
  if (escalations > 1) wrong.push(`The incident escalated ${escalations - 1} time(s) past the first page.`);
  const bullets = (xs: string[]) =>
    xs.length ? xs.map((x) => `- ${x}`) : ['- _To be written by the authors._'];
  return [
    '## What went well',
    '',
    ...bullets(well),
    '',
    '## What went wrong',
    '',
    ...bullets(wrong),
    '',
    '## Where we got lucky',
    '',
    '- _To be written by the authors._',
    '',
  ];
}

/**
 * The postmortem draft: the seed postmortem's structure (summary with duration and impact, root
 * cause, timeline, root cause and resolution, corrective and preventative measures, tasks) plus the
 * SRE template's detection, trigger and lessons, filled from what the ops store recorded.
 */
export function draftPostmortem(facts: PostmortemFacts): string {
  const i = facts.incident;
  const verdict = explainingVerdict(facts);
  const end = i.impact?.to ?? i.mitigatedAt ?? i.resolvedAt;
  const named = namedSuspects(facts.timeline, end ? { from: i.startedAt, to: end } : undefined);
  if (named.length === 0 && verdict)
    named.push(...verdict.suspects.map((x) => ({ suspect: x, evidence: x.evidence })));
  const runbooks = facts.runbooks.map((r) => `- \`${r.alert}\`: [${r.path}](${r.path})`);
  return [
    `# Postmortem: ${inline(i.title)}`,
    '',
    `Incident ${i.id} · ${i.severity} · opened by ${i.openedBy} · commander ${i.commander ?? 'none'} · drafted from the ops store; edit freely.`,
    '',
    ...summarySection(facts),
    ...detectionSection(facts),
    ...rootCauseSection(named),
    ...timelineSection(facts),
    ...resolutionSection(facts, named, verdict),
    ...measuresSection(facts, named),
    ...tasksSection(facts),
    ...lessonsSection(facts, named),
    ...(runbooks.length ? ['## Runbooks', '', ...runbooks, ''] : []),
  ].join('\n');
}
