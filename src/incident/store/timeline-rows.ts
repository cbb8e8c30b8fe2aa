import type Database from 'better-sqlite3';
import type { OpsEvent } from '../../telemetry/index.js';
import type { TimelineEvent } from '../model/types.js';
import { fromJson, toJson } from './json-column.js';

interface Row {
  id: number;
  incident_id: number | null;
  at: string;
  source: TimelineEvent['source'];
  kind: string;
  summary: string;
  data: string | null;
  recorded_at: string;
}

function toEvent(r: Row): TimelineEvent {
  return {
    id: r.id,
    incidentId: r.incident_id,
    at: r.at,
    source: r.source,
    kind: r.kind,
    summary: r.summary,
    data: fromJson(r.data),
    recordedAt: r.recorded_at,
  };
}

export class TimelineRows {
  constructor(private readonly db: Database.Database) {}

  /** Appends one event; the id is returned only after the commit, so it is the acknowledgement. */
  append(incidentId: number | null, event: OpsEvent, recordedAt: string): number {
    const info = this.db
      .prepare(
        'INSERT INTO timeline_events (incident_id, at, source, kind, summary, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(incidentId, event.at, event.source, event.kind, event.summary, toJson(event.data), recordedAt);
    return Number(info.lastInsertRowid);
  }

  forIncident(incidentId: number): TimelineEvent[] {
    return (
      this.db
        .prepare('SELECT * FROM timeline_events WHERE incident_id = ? ORDER BY at, id')
        .all(incidentId) as Row[]
    ).map(toEvent);
  }

  /** Attaches the events with no incident that happened at or after `since` to an incident. */
  adoptUnattached(incidentId: number, since: string): number {
    return this.db
      .prepare('UPDATE timeline_events SET incident_id = ? WHERE incident_id IS NULL AND at >= ?')
      .run(incidentId, since).changes;
  }

  get(id: number): TimelineEvent | undefined {
    const row = this.db.prepare('SELECT * FROM timeline_events WHERE id = ?').get(id) as Row | undefined;
    return row && toEvent(row);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM timeline_events').get() as { n: number }).n;
  }

  /** Drops unattached events older than `before`: they never became part of an incident. */
  pruneUnattached(before: string): number {
    return this.db.prepare('DELETE FROM timeline_events WHERE incident_id IS NULL AND at < ?').run(before)
      .changes;
  }
}
