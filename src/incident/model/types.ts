import type { DiagnosisVerdict, OpsEventSource } from '../../telemetry/index.js';

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_ROLES = ['commander', 'communications', 'operations'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

/** What the incident window cost the users, measured by the telemetry source (see impact.ts). */
export interface Impact {
  from: string;
  to: string;
  durationMs: number;
  requests: number;
  requestsFailed: number;
  requestsSlow: number;
  activeUsers: number;
  affectedUsers: number;
  /** affectedUsers ÷ activeUsers, 0..1 (0 when nobody was active). */
  affectedShare: number;
}

export interface Incident {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  openedBy: 'alert' | 'operator';
  dedupKey: string | null;
  summary: string;
  commander: string | null;
  communications: string | null;
  operations: string | null;
  ownerTeam: string | null;
  escalationLevel: number;
  escalatedAt: string | null;
  /** When users started to be hurt (onset), as best known: earliest fault event or alert start. */
  startedAt: string;
  /** When Bulwark knew: the incident was opened. */
  detectedAt: string;
  acknowledgedAt: string | null;
  identifiedAt: string | null;
  /** When the fix was in and the incident moved to monitoring. */
  mitigatedAt: string | null;
  resolvedAt: string | null;
  diagnosis: DiagnosisVerdict | null;
  impact: Impact | null;
  createdAt: string;
  updatedAt: string;
}

export interface TimelineEvent {
  id: number;
  incidentId: number | null;
  at: string;
  source: OpsEventSource;
  kind: string;
  summary: string;
  data: Record<string, unknown> | null;
  recordedAt: string;
}

export interface StoredAlert {
  id: number;
  incidentId: number;
  fingerprint: string;
  alertname: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string | null;
  fireCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

export const ACTION_TYPES = ['prevent', 'mitigate', 'detect', 'process'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const ACTION_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type ActionPriority = (typeof ACTION_PRIORITIES)[number];
export const ACTION_STATUSES = ['open', 'in-progress', 'done', 'wont-do'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const RECURRENCES = ['weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type Recurrence = (typeof RECURRENCES)[number];

export interface ActionItem {
  id: number;
  incidentId: number | null;
  title: string;
  owner: string;
  type: ActionType;
  priority: ActionPriority;
  /** YYYY-MM-DD */
  dueDate: string;
  recurrence: Recurrence | null;
  status: ActionStatus;
  origin: string | null;
  notes: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface Postmortem {
  incidentId: number;
  /** The current text: the draft, or what an operator put in its place. */
  markdown: string;
  /** The draft as generated at resolution, kept for comparison. */
  draft: string;
  createdAt: string;
  editedAt: string | null;
}

export interface Delivery {
  id: number;
  incidentId: number | null;
  at: string;
  event: string;
  target: string;
  url: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}
