import type Database from 'better-sqlite3';
import type { Delivery, Postmortem } from '../model/types.js';

export class PostmortemRows {
  constructor(private readonly db: Database.Database) {}

  get(incidentId: number): Postmortem | undefined {
    const row = this.db.prepare('SELECT * FROM postmortems WHERE incident_id = ?').get(incidentId) as
      | { incident_id: number; markdown: string; draft: string; created_at: string; edited_at: string | null }
      | undefined;
    return (
      row && {
        incidentId: row.incident_id,
        markdown: row.markdown,
        draft: row.draft,
        createdAt: row.created_at,
        editedAt: row.edited_at,
      }
    );
  }

  /**
   * Stores a freshly generated draft. An operator's edit is kept: the text is replaced only while
   * nobody has edited it (a reopened and re-resolved incident refreshes an untouched draft).
   */
  saveDraft(incidentId: number, draft: string, at: string): Postmortem {
    this.db
      .prepare(
        `INSERT INTO postmortems (incident_id, markdown, draft, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (incident_id) DO UPDATE SET draft = excluded.draft,
           markdown = CASE WHEN postmortems.edited_at IS NULL THEN excluded.markdown ELSE postmortems.markdown END`,
      )
      .run(incidentId, draft, draft, at);
    return this.get(incidentId) as Postmortem;
  }

  /** Replaces the text with an operator's version. */
  replace(incidentId: number, markdown: string, at: string): Postmortem | undefined {
    this.db
      .prepare('UPDATE postmortems SET markdown = ?, edited_at = ? WHERE incident_id = ?')
      .run(markdown, at, incidentId);
    return this.get(incidentId);
  }
}

export class DeliveryRows {
  constructor(private readonly db: Database.Database) {}

  insert(d: Omit<Delivery, 'id'>): number {
    const info = this.db
      .prepare(
        `INSERT INTO notification_deliveries (incident_id, at, event, target, url, ok, status_code, error, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(d.incidentId, d.at, d.event, d.target, d.url, d.ok ? 1 : 0, d.statusCode, d.error, d.durationMs);
    return Number(info.lastInsertRowid);
  }

  forIncident(incidentId: number): Delivery[] {
    const rows = this.db
      .prepare('SELECT * FROM notification_deliveries WHERE incident_id = ? ORDER BY id')
      .all(incidentId) as {
      id: number;
      incident_id: number | null;
      at: string;
      event: string;
      target: string;
      url: string;
      ok: number;
      status_code: number | null;
      error: string | null;
      duration_ms: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      incidentId: r.incident_id,
      at: r.at,
      event: r.event,
      target: r.target,
      url: r.url,
      ok: r.ok === 1,
      statusCode: r.status_code,
      error: r.error,
      durationMs: r.duration_ms,
    }));
  }
}
