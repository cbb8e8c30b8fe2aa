import { request } from 'undici';
import type { WebhookPayload } from './webhook-payload.js';

export interface WebhookSenderOptions {
  urls: readonly string[];
  /** One attempt's bound, connection to last byte. */
  timeoutMs: number;
  /** Further attempts after a failure. */
  retries: number;
  /** Wait before the first retry; doubles each time. */
  backoffMs?: number;
  /** Where each delivery's outcome is reported (the supervisor's log). */
  log?: (outcome: DeliveryOutcome) => void;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** What happened to one payload at one URL: a value, never an exception. */
export interface DeliveryOutcome {
  url: string;
  groupKey: string;
  status: WebhookPayload['status'];
  ok: boolean;
  attempts: number;
  httpStatus?: number;
  error?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** A URL without its credentials, for logs. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

/**
 * POSTs Alertmanager webhooks to every configured receiver, each with a timeout and a bounded
 * number of retries with doubling backoff. A 4xx is not retried (the receiver refused the payload;
 * sending it again will not help); a 5xx, a timeout or a refused connection is.
 */
export function createWebhookSender(options: WebhookSenderOptions) {
  const sleep = options.sleep ?? defaultSleep;
  const backoff = options.backoffMs ?? 500;

  const deliverOne = async (url: string, payload: WebhookPayload): Promise<DeliveryOutcome> => {
    const body = JSON.stringify(payload);
    let last: DeliveryOutcome = {
      url: redactUrl(url),
      groupKey: payload.groupKey,
      status: payload.status,
      ok: false,
      attempts: 0,
    };
    for (let attempt = 1; attempt <= options.retries + 1; attempt++) {
      if (attempt > 1) await sleep(backoff * 2 ** (attempt - 2));
      try {
        const res = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'bulwark-alerts' },
          body,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        await res.body.dump();
        last = { ...last, attempts: attempt, httpStatus: res.statusCode, ok: res.statusCode < 300 };
        delete last.error;
        if (last.ok || (res.statusCode >= 400 && res.statusCode < 500)) break;
      } catch (err) {
        last = { ...last, attempts: attempt, ok: false, error: (err as Error).message };
        delete last.httpStatus;
      }
    }
    options.log?.(last);
    return last;
  };

  return {
    /** Sends every payload to every URL in parallel; resolves when all are delivered or given up. */
    async deliver(payloads: readonly WebhookPayload[]): Promise<DeliveryOutcome[]> {
      return Promise.all(options.urls.flatMap((url) => payloads.map((p) => deliverOne(url, p))));
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
