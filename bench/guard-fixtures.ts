// Gathers what the guard workloads draw from (slugs, usernames, tags, signed-in users' tokens) from a
// running stack, once per benchmark run, and writes it to a file the load drivers read.
import { writeFileSync } from 'node:fs';
import { request } from 'undici';
import type { GuardFixtures } from './guard-protocol.js';

const DEMO_PASSWORD = 'conduit-demo';

export async function httpJson(
  url: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; token?: string } = {},
): Promise<{ status: number; json: unknown; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Token ${init.token}`;
  const res = await request(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, text };
}

interface Listed {
  slug: string;
  author: { username: string };
}

async function page(origin: string, offset: number, limit: number): Promise<Listed[]> {
  const { status, json, text } = await httpJson(`${origin}/api/articles?limit=${limit}&offset=${offset}`);
  const articles = (json as { articles?: Listed[] } | undefined)?.articles;
  if (status !== 200 || !Array.isArray(articles)) {
    throw new Error(`GET /api/articles?offset=${offset} answered ${status}: ${text.slice(0, 300)}`);
  }
  return articles;
}

export async function login(origin: string, id: number): Promise<string> {
  const email = `user${id}@demo.conduit.example`;
  const { status, json, text } = await httpJson(`${origin}/api/users/login`, {
    method: 'POST',
    body: { user: { email, password: DEMO_PASSWORD } },
  });
  const token = (json as { user?: { token?: string } } | undefined)?.user?.token;
  if (status !== 200 || !token) throw new Error(`login as ${email} failed: ${status} ${text.slice(0, 300)}`);
  return token;
}

export interface FixtureSizes {
  /** Cold slugs wanted (pages of 100 spread over the dataset). */
  cold: number;
  users: number;
}

/** Reads the fixtures from `origin` and writes them to `file`. */
export async function gatherFixtures(
  origin: string,
  file: string,
  sizes: FixtureSizes,
): Promise<GuardFixtures> {
  const first = await httpJson(`${origin}/api/articles?limit=1`);
  const total = (first.json as { articlesCount?: number } | undefined)?.articlesCount ?? 0;
  if (first.status !== 200 || total < 1000) {
    throw new Error(
      `the bench dataset looks empty (GET /api/articles: ${first.status}, ${total} articles): ${first.text.slice(0, 300)}`,
    );
  }
  const hot = [...(await page(origin, 0, 100)), ...(await page(origin, 100, 100))];
  const pages = Math.ceil(sizes.cold / 100);
  const stride = Math.floor((Math.min(total, 1_000_000) - 300) / pages);
  const cold: Listed[] = [];
  for (let k = 0; k < pages; k++) cold.push(...(await page(origin, 300 + k * stride, 100)));
  const tagsReply = await httpJson(`${origin}/api/tags`);
  const tags = ((tagsReply.json as { tags?: string[] } | undefined)?.tags ?? []).slice(0, 200);
  if (tags.length === 0) throw new Error(`GET /api/tags gave no tags (${tagsReply.status})`);
  const tokens: string[] = [];
  for (let id = 1; id <= sizes.users; id++) tokens.push(await login(origin, id));
  const fixtures: GuardFixtures = {
    hotSlugs: hot.map((a) => a.slug),
    coldSlugs: [...new Set(cold.map((a) => a.slug))],
    usernames: [...new Set([...hot, ...cold].map((a) => a.author.username))].slice(0, 500),
    tags,
    tokens,
  };
  writeFileSync(file, JSON.stringify(fixtures));
  return fixtures;
}
