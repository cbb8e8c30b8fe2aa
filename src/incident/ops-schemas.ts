import { Type } from '@sinclair/typebox';
import {
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  ACTION_TYPES,
  INCIDENT_ROLES,
  INCIDENT_STATUSES,
  RECURRENCES,
  SEVERITIES,
} from './model/types.js';

/** A string from a fixed list; Ajv reports the allowed values, which the 422 body repeats. */
const oneOf = <T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Person = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export const RoleParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  role: oneOf(INCIDENT_ROLES),
});

export const ListQuery = Type.Object(
  {
    status: Type.Optional(oneOf([...INCIDENT_STATUSES, 'open'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const OpenBody = Type.Object(
  {
    title: Text(200),
    severity: oneOf(SEVERITIES),
    summary: Type.Optional(Type.String({ maxLength: 10_000 })),
    commander: Type.Optional(Person),
    startedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const NoteBody = Type.Object({ text: Text(10_000) }, { additionalProperties: false });
export const StatusBody = Type.Object(
  { status: oneOf(INCIDENT_STATUSES), note: Type.Optional(Text(2_000)) },
  { additionalProperties: false },
);
export const ResolveBody = Type.Object({ note: Type.Optional(Text(2_000)) }, { additionalProperties: false });
export const RoleBody = Type.Object({ person: Person }, { additionalProperties: false });
export const SeverityBody = Type.Object({ severity: oneOf(SEVERITIES) }, { additionalProperties: false });
export const PostmortemQuery = Type.Object(
  { format: Type.Optional(oneOf(['md', 'html', 'json'] as const)) },
  { additionalProperties: false },
);

export const ActionBody = Type.Object(
  {
    title: Text(500),
    owner: Person,
    type: oneOf(ACTION_TYPES),
    priority: oneOf(ACTION_PRIORITIES),
    dueDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    recurrence: Type.Optional(Type.Union([oneOf(RECURRENCES), Type.Null()])),
    incidentId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    notes: Type.Optional(Type.String({ maxLength: 10_000 })),
  },
  { additionalProperties: false },
);

export const ActionPatchBody = Type.Object(
  {
    title: Type.Optional(Text(500)),
    owner: Type.Optional(Person),
    type: Type.Optional(oneOf(ACTION_TYPES)),
    priority: Type.Optional(oneOf(ACTION_PRIORITIES)),
    dueDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    recurrence: Type.Optional(Type.Union([oneOf(RECURRENCES), Type.Null()])),
    status: Type.Optional(oneOf(ACTION_STATUSES)),
    notes: Type.Optional(Type.String({ maxLength: 10_000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ActionQuery = Type.Object(
  {
    status: Type.Optional(oneOf(ACTION_STATUSES)),
    overdue: Type.Optional(Type.Boolean()),
    incident: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** Sources an outside tool may record (alerts and diagnoses come from the monitor, not from here). */
export const EXTERNAL_EVENT_SOURCES = [
  'chaos',
  'deploy',
  'config',
  'operator',
  'autoscaler',
  'failover',
] as const;

export const EventBody = Type.Object(
  {
    at: Type.Optional(Type.String({ format: 'date-time' })),
    source: oneOf(EXTERNAL_EVENT_SOURCES),
    kind: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z][a-z0-9.-]*$' }),
    summary: Text(1_000),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
