import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BulwarkError } from '../../errors/index.js';
import type { ActionItem, ActionPriority, ActionStatus, ActionType, Recurrence } from '../model/types.js';
import type { OpsStore } from '../store/ops-store.js';
import { defaultDue, isDate, isOverdue, nextDue } from './due-dates.js';

export interface ActionInput {
  title: string;
  owner: string;
  type: ActionType;
  priority: ActionPriority;
  dueDate?: string;
  recurrence?: Recurrence | null;
  incidentId?: number | null;
  notes?: string;
}

export type ActionPatch = Partial<Omit<ActionInput, 'incidentId'>> & { status?: ActionStatus };

/** An item as listed: with its overdue flag computed for today. */
export type ListedAction = ActionItem & { overdue: boolean };

interface SeedTask {
  n: number;
  text: string;
  type: ActionType;
  owner: string;
  priority: ActionPriority;
  recurrence: Recurrence | null;
}

/** The seed postmortem's eight tasks, kept in the project as data (seed-tasks.json). */
export function seedTasks(): SeedTask[] {
  const file = join(import.meta.dirname, 'seed-tasks.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { tasks: SeedTask[] }).tasks;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Action items: the follow-ups that keep an incident from recurring, with an owner, a type (SRE
 * template's prevent, mitigate, process, plus detect), a priority, a due date and an optional
 * recurrence. Completing a recurring item schedules its next occurrence, so a quarterly review
 * never silently stops.
 */
export class ActionService {
  constructor(
    private readonly store: OpsStore,
    private readonly now: () => number = Date.now,
  ) {}

  #checkDate(date: string | undefined): void {
    if (date !== undefined && !isDate(date)) {
      throw new BulwarkError('HTTP_ERR_VALIDATION', { dueDate: ['must be a date written YYYY-MM-DD'] });
    }
  }

  #listed(item: ActionItem): ListedAction {
    return { ...item, overdue: isOverdue(item, this.now()) };
  }

  get(id: number): ListedAction {
    const item = this.store.actions.get(id);
    if (!item) throw new BulwarkError('INCIDENT_ERR_NOT_FOUND', { id: [`no action item ${id}`] });
    return this.#listed(item);
  }

  list(filter: { incidentId?: number; status?: ActionStatus; overdue?: boolean } = {}): ListedAction[] {
    const items = this.store.actions
      .list({
        ...(filter.incidentId !== undefined ? { incidentId: filter.incidentId } : {}),
        ...(filter.status ? { status: filter.status } : {}),
      })
      .map((i) => this.#listed(i));
    return filter.overdue === undefined ? items : items.filter((i) => i.overdue === filter.overdue);
  }

  create(input: ActionInput, origin: string | null = null): ListedAction | undefined {
    this.#checkDate(input.dueDate);
    if (input.incidentId != null && !this.store.incidents.get(input.incidentId)) {
      throw new BulwarkError('INCIDENT_ERR_NOT_FOUND', { incidentId: [`no incident ${input.incidentId}`] });
    }
    const now = iso(this.now());
    const item = this.store.actions.insert({
      incidentId: input.incidentId ?? null,
      title: input.title,
      owner: input.owner,
      type: input.type,
      priority: input.priority,
      dueDate: input.dueDate ?? defaultDue(this.now(), input.priority),
      recurrence: input.recurrence ?? null,
      status: 'open',
      origin,
      notes: input.notes ?? '',
      createdAt: now,
      updatedAt: now,
      completedAt: null,
    });
    return item && this.#listed(item);
  }

  /** Changes an item; marking a recurring item done schedules the next one. */
  update(id: number, patch: ActionPatch): { item: ListedAction; next?: ListedAction } {
    const current = this.get(id);
    this.#checkDate(patch.dueDate);
    const now = iso(this.now());
    const finishing = patch.status === 'done' && current.status !== 'done';
    return this.store.transaction(() => {
      const item = this.store.actions.update(id, {
        ...patch,
        updatedAt: now,
        ...(finishing ? { completedAt: now } : {}),
        ...(patch.status && patch.status !== 'done' ? { completedAt: null } : {}),
      }) as ActionItem;
      if (!finishing || !item.recurrence) return { item: this.#listed(item) };
      // The next occurrence keeps the cadence from the due date; one done late starts from today.
      let due = nextDue(item.dueDate, item.recurrence);
      while (due <= now.slice(0, 10)) due = nextDue(due, item.recurrence);
      const next = this.create({
        title: item.title,
        owner: item.owner,
        type: item.type,
        priority: item.priority,
        dueDate: due,
        recurrence: item.recurrence,
        incidentId: item.incidentId,
        notes: item.notes,
      });
      return { item: this.#listed(item), ...(next ? { next } : {}) };
    });
  }

  /** Imports the seed postmortem's eight tasks; importing again adds nothing. */
  importSeed(): { imported: ListedAction[]; skipped: number } {
    const imported: ListedAction[] = [];
    let skipped = 0;
    this.store.transaction(() => {
      for (const t of seedTasks()) {
        const item = this.create(
          { title: t.text, owner: t.owner, type: t.type, priority: t.priority, recurrence: t.recurrence },
          `seed:${t.n}`,
        );
        if (item) imported.push(item);
        else skipped++;
      }
    });
    return { imported, skipped };
  }
}
