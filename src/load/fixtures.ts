// Reads what journeys draw from out of the target itself (existing slugs, authors, tags, and tokens
// of real seeded users who log in), so a scenario never carries data that may not exist.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { ArticleRef, Fixtures, SignedInUser } from './fixtures-types.js';

async function getJson(origin: string, path: string, init: { method?: 'POST'; body?: unknown } = {}) {
  const res = await request(`${origin}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
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

async function page(origin: string, offset: number, limit: number): Promise<ArticleRef[]> {
  const { status, json, text } = await getJson(origin, `/api/articles?limit=${limit}&offset=${offset}`);
  const articles = (json as { articles?: Listed[] } | undefined)?.articles;
  if (status !== 200 || !Array.isArray(articles)) {
    throw new Error(`GET /api/articles?offset=${offset} answered ${status}: ${text.slice(0, 300)}`);
  }
  return articles.map((a) => ({ slug: a.slug, author: a.author.username }));
}

export interface FixtureOptions {
  /** Seeded users to log in (user<first>…), for signed-in journeys. */
  signedIn: number;
  firstSignedIn: number;
  /** The demo users' password. */
  demoPassword: string;
  /** Demo e-mail of user N. */
  emailOf?: (n: number) => string;
}

/** Gathers the fixtures from `origin` (a running Conduit API). */
export async function gatherFixtures(origin: string, o: FixtureOptions): Promise<Fixtures> {
  const first = await getJson(origin, '/api/articles?limit=1');
  const total = (first.json as { articlesCount?: number } | undefined)?.articlesCount ?? 0;
  if (first.status !== 200 || total < 1) {
    throw new Error(`the target has no articles to draw from (GET /api/articles: ${first.status}, ${total})`);
  }
  const hot = [...(await page(origin, 0, 100)), ...(await page(origin, 100, 100))];
  const cold: ArticleRef[] = [];
  const pages = Math.min(5, Math.max(0, Math.floor((total - 200) / 100)));
  for (let k = 0; k < pages; k++) {
    const stride = Math.floor((Math.min(total, 1_000_000) - 300) / Math.max(1, pages));
    cold.push(...(await page(origin, 200 + k * stride, 100)));
  }
  const tagsReply = await getJson(origin, '/api/tags');
  const tags = ((tagsReply.json as { tags?: string[] } | undefined)?.tags ?? []).slice(0, 200);
  const emailOf = o.emailOf ?? ((n: number) => `user${n}@demo.conduit.example`);
  const signedIn: SignedInUser[] = [];
  for (let k = 0; k < o.signedIn; k++) {
    const email = emailOf(o.firstSignedIn + k);
    const { status, json, text } = await getJson(origin, '/api/users/login', {
      method: 'POST',
      body: { user: { email, password: o.demoPassword } },
    });
    const user = (json as { user?: { token?: string; username?: string } } | undefined)?.user;
    if (status !== 200 || !user?.token || !user.username) {
      throw new Error(`login as ${email} failed: ${status} ${text.slice(0, 200)}`);
    }
    signedIn.push({ email, username: user.username, token: user.token });
  }
  const unique = (xs: ArticleRef[]) => [...new Map(xs.map((a) => [a.slug, a])).values()];
  return {
    hot: unique(hot),
    cold: unique(cold),
    usernames: [...new Set([...hot, ...cold].map((a) => a.author))].slice(0, 500),
    tags,
    signedIn,
    demoPassword: o.demoPassword,
    newPassword: randomBytes(12).toString('base64url'),
  };
}
