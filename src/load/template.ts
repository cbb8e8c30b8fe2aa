// `{variable}` templates in a journey's paths and bodies, compiled once per scenario so a request
// costs a few string joins. Values are drawn per journey instance, so one visit reads one article,
// its comments and its author.
import type { ArticleRef, Fixtures } from './fixtures-types.js';

export const TEMPLATE_VARIABLES = [
  'slug',
  'author',
  'tag',
  'username',
  'offset',
  'uniq',
  'me.email',
  'me.username',
  'password',
  'newPassword',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** Literal parts and variable names, alternating (parts[0] literal, parts[1] variable, …). */
export type Compiled = string[];

const VAR = /\{([a-zA-Z.]+)\}/g;

export function compileTemplate(text: string): Compiled {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(VAR)) {
    parts.push(text.slice(last, m.index), m[1] as string);
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** Names used in a template that are not variables (nor `values.NAME` of a list in `values`). */
export function unknownVariables(text: string, values: readonly string[] = []): string[] {
  return [...text.matchAll(VAR)]
    .map((m) => m[1] as string)
    .filter(
      (v) =>
        !(TEMPLATE_VARIABLES as readonly string[]).includes(v) &&
        !(v.startsWith('values.') && values.includes(v.slice('values.'.length))),
    );
}

/** The values of one journey instance, drawn on first use. */
export class JourneyVars {
  private article: ArticleRef | undefined;
  private readonly drawn = new Map<string, string>();

  constructor(
    private readonly f: Fixtures,
    private readonly rand: () => number,
    private readonly opts: {
      hotShare: number;
      maxOffset: number;
      uniq: string;
      me?: number;
      values?: Readonly<Record<string, readonly string[]>>;
    },
  ) {}

  private pick<T>(items: readonly T[], what: string): T {
    if (items.length === 0) throw new Error(`the target has no ${what} to draw from`);
    return items[Math.floor(this.rand() * items.length)] as T;
  }

  private art(): ArticleRef {
    if (!this.article) {
      const useHot = this.f.cold.length === 0 || this.rand() < this.opts.hotShare;
      this.article = this.pick(useHot ? this.f.hot : this.f.cold, 'articles');
    }
    return this.article;
  }

  get(name: string): string {
    const seen = this.drawn.get(name);
    if (seen !== undefined) return seen;
    let v: string;
    switch (name) {
      case 'slug':
        v = this.art().slug;
        break;
      case 'author':
        v = this.art().author;
        break;
      case 'tag':
        v = this.pick(this.f.tags, 'tags');
        break;
      case 'username':
        v = this.pick(this.f.usernames, 'usernames');
        break;
      case 'offset':
        v = String(Math.floor(this.rand() * (Math.floor(this.opts.maxOffset / 10) + 1)) * 10);
        break;
      case 'uniq':
        v = this.opts.uniq;
        break;
      case 'me.email':
      case 'me.username': {
        const me = this.opts.me === undefined ? undefined : this.f.signedIn[this.opts.me];
        if (!me) throw new Error(`{${name}} needs a signed-in journey`);
        v = name === 'me.email' ? me.email : me.username;
        break;
      }
      case 'password':
        v = this.f.demoPassword;
        break;
      case 'newPassword':
        v = this.f.newPassword;
        break;
      default: {
        const list = name.startsWith('values.')
          ? this.opts.values?.[name.slice('values.'.length)]
          : undefined;
        if (!list) throw new Error(`unknown template variable {${name}}`);
        v = this.pick(list, name);
      }
    }
    this.drawn.set(name, v);
    return v;
  }
}

/** Fills a compiled template; `encode` encodes each value for where it goes (URL path or JSON). */
export function fill(t: Compiled, vars: JourneyVars, encode: (v: string) => string): string {
  if (t.length === 1) return t[0] as string;
  let out = '';
  for (let i = 0; i < t.length; i++) out += i % 2 === 0 ? (t[i] as string) : encode(vars.get(t[i] as string));
  return out;
}

export const inPath = encodeURIComponent;
export const inJson = (v: string) => JSON.stringify(v).slice(1, -1);
