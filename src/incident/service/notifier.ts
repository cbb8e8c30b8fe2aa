import { request } from 'undici';
import type { OpsStore } from '../store/ops-store.js';

/** What a webhook receives: one JSON object per notification. */
export interface IncidentNotice {
  event:
    | 'incident.opened'
    | 'incident.paged'
    | 'incident.escalated'
    | 'incident.status'
    | 'incident.resolved';
  incident: { id: number; title: string; severity: string; status: string; ownerTeam: string | null };
  /** The team paged, for `incident.paged` and `incident.escalated`. */
  team?: string;
  summary: string;
  at: string;
}

export interface NoticeLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WebhookNotifierOptions {
  store: OpsStore;
  /** Receive every notice. */
  webhooks: readonly string[];
  /** Receive the pages for their team. */
  teamWebhooks: Readonly<Record<string, string>>;
  timeoutMs: number;
  log: NoticeLog;
  clock?: () => number;
}

/**
 * Posts incident notices to the configured webhooks (undici) and logs every one: no external paging
 * service is needed to run, and every attempt, delivered or not, is kept in the ops store.
 */
export class WebhookNotifier {
  readonly #o: WebhookNotifierOptions;
  readonly #pending = new Set<Promise<void>>();

  constructor(options: WebhookNotifierOptions) {
    this.#o = options;
  }

  /** Sends without waiting: the caller (a state change) never blocks on a slow webhook. */
  send(notice: IncidentNotice): void {
    this.#o.log.info({ notice }, `incident ${notice.incident.id}: ${notice.event} ${notice.summary}`);
    const urls = new Map<string, string>();
    for (const url of this.#o.webhooks) urls.set(url, 'all');
    const teamUrl = notice.team ? this.#o.teamWebhooks[notice.team] : undefined;
    if (teamUrl && notice.team) urls.set(teamUrl, notice.team);
    for (const [url, target] of urls) {
      const p = this.#post(url, target, notice).finally(() => this.#pending.delete(p));
      this.#pending.add(p);
    }
  }

  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #post(url: string, target: string, notice: IncidentNotice): Promise<void> {
    const now = this.#o.clock ?? Date.now;
    const started = now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(notice),
        headersTimeout: this.#o.timeoutMs,
        bodyTimeout: this.#o.timeoutMs,
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      statusCode = res.statusCode;
      await res.body.dump();
      if (statusCode >= 300) error = `answered ${statusCode}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const ok = error === null;
    if (!ok) this.#o.log.warn({ url: redact(url), event: notice.event, error }, 'incident webhook failed');
    try {
      this.#o.store.deliveries.insert({
        incidentId: notice.incident.id,
        at: new Date(started).toISOString(),
        event: notice.event,
        target,
        url: redact(url),
        ok,
        statusCode,
        error,
        durationMs: Math.round(now() - started),
      });
    } catch (err) {
      // The store closed under a late delivery (shutdown): the log line above is what remains.
      this.#o.log.warn({ err }, 'incident delivery not recorded');
    }
  }
}

/** Webhook URLs often carry a secret in the path or query: keep scheme, host and port only. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(invalid url)';
  }
}
