import type { WorkloadName } from './driver-protocol.js';
import { type GuardJob, type GuardWorkloadName, isGuardWorkload } from './guard-protocol.js';
import { guardWorkload } from './guard-workloads.js';

/** One HTTP exchange as a workload sees it; the driver times it and counts its errors. */
export interface Reply {
  ok: boolean;
  status: number;
  json?: unknown;
}

/** What a request other than an anonymous GET needs (the guard benchmark's workloads). */
export interface SendInit {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Index into the job's signed-in users: sent with that user's token. */
  user?: number;
  /** A label for per-group latency ("heavy", "write", …). */
  tag?: string;
}

/** An open-model arrival: a path and how to send it. */
export interface OpenRequest extends SendInit {
  path: string;
}

/**
 * Sends a GET (or what `init` says); `json` asks for the parsed body (only when the workload needs
 * it, parsing costs CPU).
 */
export type Send = (path: string, json?: boolean, init?: SendInit) => Promise<Reply>;

/** Counts an error the driver cannot see in the status, e.g. a 200 whose body lacks what we need. */
export type CountError = (kind: string) => void;

export interface Workload {
  /**
   * Closed model: one unit of work (S1: a request, S2: a journey). Resolves with the number of
   * requests of a journey completed in full (S2), else 0.
   */
  step(send: Send, countError: CountError): Promise<number>;
  /**
   * Open model: requests are independent arrivals, so the workload gives a fixed cycle of paths,
   * resolving anything it needs first (S2: the slugs and authors of the listed articles).
   */
  openPaths(send: Send): Promise<string[]>;
  /** Open model, when the arrivals are more than anonymous GETs; preferred over `openPaths`. */
  openRequests?(send: Send): Promise<OpenRequest[]>;
}

/** S1 pages at offsets 0, 10, …, 5000 and then again from 0: deep pages cost most on a naive backend. */
const S1_PAGES = 501;

function s1(): Workload {
  let k = 0;
  const next = () => `/api/articles?limit=10&offset=${(k++ % S1_PAGES) * 10}`;
  return {
    async step(send) {
      await send(next());
      return 0;
    },
    async openPaths() {
      return Array.from({ length: S1_PAGES }, (_, i) => `/api/articles?limit=10&offset=${i * 10}`);
    },
  };
}

interface ListedArticle {
  slug: string;
  author: { username: string };
}

function listedArticles(json: unknown): ListedArticle[] | undefined {
  const articles = (json as { articles?: unknown } | undefined)?.articles;
  if (!Array.isArray(articles) || articles.length === 0) return undefined;
  const ok = articles.every(
    (a: { slug?: unknown; author?: { username?: unknown } }) =>
      typeof a?.slug === 'string' && typeof a.author?.username === 'string',
  );
  return ok ? (articles as ListedArticle[]) : undefined;
}

function articlePaths(a: ListedArticle): string[] {
  const slug = encodeURIComponent(a.slug);
  return [
    `/api/articles/${slug}`,
    `/api/articles/${slug}/comments`,
    `/api/profiles/${encodeURIComponent(a.author.username)}`,
  ];
}

/** S2 is a reader's journey: the tags, the first page, then each listed article, its comments, its author. */
function s2(): Workload {
  return {
    async step(send, countError) {
      await send('/api/tags');
      const list = await send('/api/articles?limit=10', true);
      if (!list.ok) return 0;
      const articles = listedArticles(list.json);
      if (!articles) {
        countError('s2-list-without-articles');
        return 0;
      }
      for (const article of articles) {
        for (const path of articlePaths(article)) await send(path);
      }
      return 2 + 3 * articles.length;
    },
    async openPaths(send) {
      const list = await send('/api/articles?limit=10', true);
      const articles = listedArticles(list.json);
      if (!articles)
        throw new Error(`S2: GET /api/articles?limit=10 gave no articles (status ${list.status})`);
      return ['/api/tags', '/api/articles?limit=10', ...articles.flatMap(articlePaths)];
    },
  };
}

function trivial(): Workload {
  return {
    async step(send) {
      await send('/');
      return 0;
    },
    async openPaths() {
      return ['/'];
    },
  };
}

export function workload(name: WorkloadName | GuardWorkloadName, job?: GuardJob): Workload {
  if (isGuardWorkload(name)) return guardWorkload(name, job);
  switch (name) {
    case 's1':
      return s1();
    case 's2':
      return s2();
    case 'trivial':
      return trivial();
  }
}
