import type Database from 'better-sqlite3';
import type { ActionItem, ActionStatus } from '../model/types.js';

interface Row {
  id: number;
  incident_id: number | null;
  title: string;
  owner: string;
  type: ActionItem['type'];
  priority: ActionItem['priority'];
  due_date: string;
  recurrence: ActionItem['recurrence'];
  status: ActionStatus;
  origin: string | null;
  notes: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

function toItem(r: Row): ActionItem {
  return {
    id: r.id,
    incidentId: r.incident_id,
    title: r.title,
    owner: r.owner,
    type: r.type,
    priority: r.priority,
    dueDate: r.due_date,
    recurrence: r.recurrence,
    status: r.status,
    origin: r.origin,
    notes: r.notes,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
  };
}

const COLUMNS: Record<keyof Omit<ActionItem, 'id'>, string> = {
  incidentId: 'incident_id',
  title: 'title',
  owner: 'owner',
  type: 'type',
  priority: 'priority',
  dueDate: 'due_date',
  recurrence: 'recurrence',
  status: 'status',
  origin: 'origin',
  notes: 'notes',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  completedAt: 'completed_at',
};

export type NewActionItem = Omit<ActionItem, 'id'>;

export class ActionRows {
  constructor(private readonly db: Database.Database) {}

  /** Inserts an item; with an `origin` already present, nothing is written and undefined returned. */
  insert(item: NewActionItem): ActionItem | undefined {
    const keys = Object.keys(COLUMNS) as (keyof NewActionItem)[];
    const info = this.db
      .prepare(
        `INSERT INTO action_items (${keys.map((k) => COLUMNS[k]).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})
         ON CONFLICT (origin) DO NOTHING`,
      )
      .run(...keys.map((k) => item[k]));
    return info.changes === 1 ? { id: Number(info.lastInsertRowid), ...item } : undefined;
  }

  update(id: number, changes: Partial<NewActionItem>): ActionItem | undefined {
    const keys = Object.keys(changes).filter((k) => k in COLUMNS) as (keyof NewActionItem)[];
    if (keys.length > 0) {
      this.db
        .prepare(`UPDATE action_items SET ${keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`)
        .run(...keys.map((k) => changes[k]), id);
    }
    return this.get(id);
  }

  get(id: number): ActionItem | undefined {
    const row = this.db.prepare('SELECT * FROM action_items WHERE id = ?').get(id) as Row | undefined;
    return row && toItem(row);
  }

  list(filter: { incidentId?: number; status?: ActionStatus } = {}): ActionItem[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.incidentId !== undefined) {
      where.push('incident_id = ?');
      params.push(filter.incidentId);
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    const sql = `SELECT * FROM action_items ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY due_date, id`;
    return (this.db.prepare(sql).all(...params) as Row[]).map(toItem);
  }
}
