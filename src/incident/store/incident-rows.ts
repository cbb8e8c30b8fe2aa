import type Database from 'better-sqlite3';
import type { Incident, IncidentStatus } from '../model/types.js';
import { fromJson, toJson } from './json-column.js';

interface Row {
  id: number;
  title: string;
  severity: Incident['severity'];
  status: IncidentStatus;
  opened_by: Incident['openedBy'];
  dedup_key: string | null;
  summary: string;
  commander: string | null;
  communications: string | null;
  operations: string | null;
  owner_team: string | null;
  escalation_level: number;
  escalated_at: string | null;
  started_at: string;
  detected_at: string;
  acknowledged_at: string | null;
  identified_at: string | null;
  mitigated_at: string | null;
  resolved_at: string | null;
  diagnosis: string | null;
  impact: string | null;
  created_at: string;
  updated_at: string;
}

function toIncident(r: Row): Incident {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    status: r.status,
    openedBy: r.opened_by,
    dedupKey: r.dedup_key,
    summary: r.summary,
    commander: r.commander,
    communications: r.communications,
    operations: r.operations,
    ownerTeam: r.owner_team,
    escalationLevel: r.escalation_level,
    escalatedAt: r.escalated_at,
    startedAt: r.started_at,
    detectedAt: r.detected_at,
    acknowledgedAt: r.acknowledged_at,
    identifiedAt: r.identified_at,
    mitigatedAt: r.mitigated_at,
    resolvedAt: r.resolved_at,
    diagnosis: fromJson(r.diagnosis),
    impact: fromJson(r.impact),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const COLUMNS: Record<keyof Omit<Incident, 'id'>, string> = {
  title: 'title',
  severity: 'severity',
  status: 'status',
  openedBy: 'opened_by',
  dedupKey: 'dedup_key',
  summary: 'summary',
  commander: 'commander',
  communications: 'communications',
  operations: 'operations',
  ownerTeam: 'owner_team',
  escalationLevel: 'escalation_level',
  escalatedAt: 'escalated_at',
  startedAt: 'started_at',
  detectedAt: 'detected_at',
  acknowledgedAt: 'acknowledged_at',
  identifiedAt: 'identified_at',
  mitigatedAt: 'mitigated_at',
  resolvedAt: 'resolved_at',
  diagnosis: 'diagnosis',
  impact: 'impact',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

function columnValue(key: string, value: unknown): unknown {
  return key === 'diagnosis' || key === 'impact' ? toJson(value) : value;
}

export type NewIncident = Omit<Incident, 'id'>;

export class IncidentRows {
  constructor(private readonly db: Database.Database) {}

  insert(incident: NewIncident): Incident {
    const keys = Object.keys(COLUMNS) as (keyof NewIncident)[];
    const sql = `INSERT INTO incidents (${keys.map((k) => COLUMNS[k]).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`;
    const info = this.db.prepare(sql).run(...keys.map((k) => columnValue(k, incident[k])));
    return { id: Number(info.lastInsertRowid), ...incident };
  }

  /** Writes the given fields; returns the incident as stored afterwards. */
  update(id: number, changes: Partial<NewIncident>): Incident | undefined {
    const keys = Object.keys(changes).filter((k) => k in COLUMNS) as (keyof NewIncident)[];
    if (keys.length > 0) {
      const sql = `UPDATE incidents SET ${keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`;
      this.db.prepare(sql).run(...keys.map((k) => columnValue(k, changes[k])), id);
    }
    return this.get(id);
  }

  get(id: number): Incident | undefined {
    const row = this.db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as Row | undefined;
    return row && toIncident(row);
  }

  /** The open (not resolved) incident for a deduplication key, if any. */
  openByKey(key: string): Incident | undefined {
    const row = this.db
      .prepare("SELECT * FROM incidents WHERE dedup_key = ? AND status <> 'resolved'")
      .get(key) as Row | undefined;
    return row && toIncident(row);
  }

  list(filter: { status?: IncidentStatus | 'open'; limit?: number } = {}): Incident[] {
    const where =
      filter.status === 'open' ? "WHERE status <> 'resolved'" : filter.status ? 'WHERE status = ?' : '';
    const params = filter.status && filter.status !== 'open' ? [filter.status] : [];
    const rows = this.db
      .prepare(`SELECT * FROM incidents ${where} ORDER BY id DESC LIMIT ?`)
      .all(...params, filter.limit ?? 100) as Row[];
    return rows.map(toIncident);
  }
}
