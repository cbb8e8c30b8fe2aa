import type { ActionItem, ActionPriority, Recurrence } from '../model/types.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export const today = (nowMs: number): string => new Date(nowMs).toISOString().slice(0, 10);

/** Adds whole months in UTC, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** The next due date of a recurring item. */
export function nextDue(date: string, recurrence: Recurrence): string {
  switch (recurrence) {
    case 'weekly':
      return new Date(Date.parse(`${date}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    case 'monthly':
      return addMonths(date, 1);
    case 'quarterly':
      return addMonths(date, 3);
    case 'yearly':
      return addMonths(date, 12);
  }
}

/** Default time to do an item, by priority. */
export function defaultDue(nowMs: number, priority: ActionPriority): string {
  const days = { P1: 14, P2: 30, P3: 60, P4: 90 }[priority];
  return today(nowMs + days * 86_400_000);
}

/** Still to do and past its due date (the due day itself is not late). */
export function isOverdue(item: Pick<ActionItem, 'status' | 'dueDate'>, nowMs: number): boolean {
  return (item.status === 'open' || item.status === 'in-progress') && item.dueDate < today(nowMs);
}
