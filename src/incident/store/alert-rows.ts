import type Database from 'better-sqlite3';
import type { StoredAlert } from '../model/types.js';
import { fromJson } from './json-column.js';

interface Row {
  id: number;
  incident_id: number;
  fingerprint: string;
  alertname: string;
  group_key: string;
  status: StoredAlert['status'];
  labels: string;
  annotations: string;
  starts_at: string;
  ends_at: string | null;
  fire_count: number;
  first_seen_at: string;
  last_seen_at: string;
}

function toAlert(r: Row): StoredAlert {
  return {
    id: r.id,
    incidentId: r.incident_id,
    fingerprint: r.fingerprint,
    alertname: r.alertname,
    groupKey: r.group_key,
    status: r.status,
    labels: fromJson(r.labels) ?? {},
    annotations: fromJson(r.annotations) ?? {},
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    fireCount: r.fire_count,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
  };
}

export interface AlertSighting {
  fingerprint: string;
  alertname: string;
  groupKey: string;
  status: StoredAlert['status'];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string | null;
  seenAt: string;
}

export class AlertRows {
  constructor(private readonly db: Database.Database) {}

  forIncident(incidentId: number): StoredAlert[] {
    return (
      this.db.prepare('SELECT * FROM alerts WHERE incident_id = ? ORDER BY id').all(incidentId) as Row[]
    ).map(toAlert);
  }

  /** The latest incident an alert with this fingerprint is attached to (open or not). */
  latestByFingerprint(fingerprint: string): StoredAlert | undefined {
    const row = this.db
      .prepare('SELECT * FROM alerts WHERE fingerprint = ? ORDER BY incident_id DESC LIMIT 1')
      .get(fingerprint) as Row | undefined;
    return row && toAlert(row);
  }

  /**
   * Records a sighting of an alert on an incident. Returns what changed: `new` (first time on this
   * incident), `refired` (was resolved, fires again), `resolved`, or `same` (a repeat notification).
   */
  record(incidentId: number, s: AlertSighting): 'new' | 'refired' | 'resolved' | 'same' {
    const existing = this.db
      .prepare('SELECT * FROM alerts WHERE incident_id = ? AND fingerprint = ?')
      .get(incidentId, s.fingerprint) as Row | undefined;
    if (!existing) {
      this.db
        .prepare(
          `INSERT INTO alerts (incident_id, fingerprint, alertname, group_key, status, labels, annotations,
             starts_at, ends_at, fire_count, first_seen_at, last_seen_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
        )
        .run(
          incidentId,
          s.fingerprint,
          s.alertname,
          s.groupKey,
          s.status,
          JSON.stringify(s.labels),
          JSON.stringify(s.annotations),
          s.startsAt,
          s.endsAt,
          s.seenAt,
          s.seenAt,
        );
      return s.status === 'firing' ? 'new' : 'resolved';
    }
    const change =
      existing.status === s.status
        ? 'same'
        : s.status === 'firing'
          ? ('refired' as const)
          : ('resolved' as const);
    this.db
      .prepare(
        `UPDATE alerts SET status = ?, annotations = ?, ends_at = ?, last_seen_at = ?,
           fire_count = fire_count + ? WHERE id = ?`,
      )
      .run(
        s.status,
        JSON.stringify(s.annotations),
        s.endsAt,
        s.seenAt,
        change === 'refired' ? 1 : 0,
        existing.id,
      );
    return change;
  }
}
