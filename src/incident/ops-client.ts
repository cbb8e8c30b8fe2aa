import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import type { Config } from '../config/index.js';

export interface OpsClientOptions {
  baseUrl: string;
  token: string | undefined;
  actor: string;
  timeoutMs?: number;
}

export type OpsReply = { status: number; body: string; json: () => unknown; contentType: string };

/** The ops API's URL and token as the configuration gives them: `ops.host`, `ops.port`, the kept token. */
export function opsClientOptions(config: Readonly<Config>, actor: string): OpsClientOptions {
  const host =
    config.ops.host === '0.0.0.0' ? '127.0.0.1' : config.ops.host === '::' ? '::1' : config.ops.host;
  const tokenFile = join(config.dataDir, 'ops-token');
  const token =
    config.ops.token || (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  return { baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${config.ops.port}`, token, actor };
}

/** A thin client of the ops API for the CLI: JSON in, the reply out, the token on every call. */
export class OpsClient {
  constructor(readonly options: OpsClientOptions) {}

  async call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    body?: unknown,
    type = 'application/json',
  ): Promise<OpsReply> {
    const headers: Record<string, string> = { 'x-bulwark-actor': this.options.actor };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = type;
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new Error(
        `the ops server at ${this.options.baseUrl} is not answering (${(err as Error).message}); is \`bulwark start\` running with this ops.host and ops.port?`,
      );
    }
    const text = await res.body.text();
    return {
      status: res.statusCode,
      body: text,
      contentType: String(res.headers['content-type'] ?? ''),
      json: () => JSON.parse(text) as unknown,
    };
  }
}

/** The message of an error reply: the fields of its `errors` body, one per line. */
export function errorMessage(reply: OpsReply): string {
  try {
    const body = reply.json() as { errors?: Record<string, string[]>; code?: string };
    const lines = Object.entries(body.errors ?? {}).map(([k, v]) => `${k}: ${v.join('; ')}`);
    return `${reply.status}${body.code ? ` ${body.code}` : ''}: ${lines.join('\n  ') || reply.body}`;
  } catch {
    return `${reply.status}: ${reply.body.slice(0, 500)}`;
  }
}
