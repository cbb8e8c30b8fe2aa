import { createHash } from 'node:crypto';
import { type Token, tokenize } from './sql-tokens.js';

/** A statement's shape: the same for every execution whatever its values. */
export interface Fingerprint {
  /** 16 hex characters, stable across processes and releases of this code. */
  id: string;
  /** The normalised statement, cut to `maxLength` for display. Holds no literal value. */
  text: string;
}

export interface FingerprintOptions {
  /** Display length of `text` (500); the id always covers the whole statement. */
  maxLength?: number;
}

// After these words a `-` or `+` starts a value (`where x = -1`, `select -1`); after any other word
// it is arithmetic on a column (`a - 1`). Being wrong only splits a shape in two, never leaks a value.
const VALUE_CONTEXT_WORDS = new Set([
  'select',
  'where',
  'and',
  'or',
  'not',
  'when',
  'then',
  'else',
  'in',
  'between',
  'like',
  'ilike',
  'is',
  'limit',
  'offset',
  'values',
  'by',
  'having',
  'on',
  'set',
  'return',
  'returning',
  'case',
  'any',
  'all',
  'array',
]);

// Words after which `(` is separated by a space in the rendering; elsewhere `(` is a call: `count(*)`.
const SPACED_BEFORE_PAREN = new Set([
  'in',
  'values',
  'and',
  'or',
  'not',
  'exists',
  'as',
  'on',
  'where',
  'select',
  'from',
  'join',
  'using',
  'when',
  'then',
  'else',
  'over',
  'filter',
  'between',
  'like',
  'set',
  'by',
  'into',
  'with',
  'returning',
  'union',
  'intersect',
  'except',
  'lateral',
]);

const isValue = (t: Token | undefined) => t !== undefined && (t.kind === 'literal' || t.kind === 'param');

/** Literals out, unary signs folded into them, `true`/`false` out except in `IS [NOT] TRUE`. */
function replaceValues(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const prev = out[out.length - 1];
    if (t.kind === 'op' && (t.text === '-' || t.text === '+') && tokens[i + 1]?.kind === 'literal') {
      const unary =
        prev === undefined ||
        prev.kind === 'op' ||
        (prev.kind === 'punct' && prev.text !== ')' && prev.text !== ']') ||
        (prev.kind === 'word' && VALUE_CONTEXT_WORDS.has(prev.text));
      if (unary) continue; // the literal that follows becomes the placeholder for both
    }
    if (t.kind === 'word' && (t.text === 'true' || t.text === 'false')) {
      const isClause = prev?.text === 'is' || (prev?.text === 'not' && out[out.length - 2]?.text === 'is');
      if (!isClause) {
        out.push({ kind: 'literal', text: '?' });
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

/** Length of a `value [:: type]*` element starting at `i`, or 0 when the tokens there are not one. */
function valueElementLength(tokens: Token[], i: number): number {
  if (!isValue(tokens[i])) return 0;
  let j = i + 1;
  while (tokens[j]?.text === '::' && tokens[j + 1]?.kind === 'word') {
    j += 2;
    while (tokens[j]?.text === '[' && tokens[j + 1]?.text === ']') j += 2;
  }
  return j - i;
}

/** Index just past a `( v, v, … )` (or `[ … ]`) list of plain values opening at `i`, or -1. */
function valueListEnd(tokens: Token[], i: number, close: string): number {
  let j = i + 1;
  for (;;) {
    const len = valueElementLength(tokens, j);
    if (len === 0) return -1;
    j += len;
    if (tokens[j]?.text === close) return j + 1;
    if (tokens[j]?.text !== ',') return -1;
    j++;
  }
}

const ELLIPSIS: Token = { kind: 'literal', text: '...' };

/**
 * `IN (1, 2, 3)` and `ARRAY[$1, $2]` become `in (...)` and `array[...]`, and a multi-row `VALUES`
 * keeps its first row and `...`: the number of values is data, not shape, and would otherwise make
 * one fingerprint per batch size.
 */
function collapseLists(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    const open = tokens[i + 1];
    if (t.kind === 'word' && (t.text === 'in' || t.text === 'array')) {
      const close = t.text === 'in' ? ')' : ']';
      if (open?.text === (t.text === 'in' ? '(' : '[')) {
        const end = valueListEnd(tokens, i + 1, close);
        if (end > 0) {
          out.push(t, open, ELLIPSIS, { kind: 'punct', text: close });
          i = end;
          continue;
        }
      }
    }
    if (t.kind === 'word' && t.text === 'values' && open?.text === '(') {
      let end = valueListEnd(tokens, i + 1, ')');
      if (end > 0) {
        out.push(...tokens.slice(i, end));
        let rows = 1;
        while (tokens[end]?.text === ',' && tokens[end + 1]?.text === '(') {
          const next = valueListEnd(tokens, end + 1, ')');
          if (next < 0) break;
          end = next;
          rows++;
        }
        if (rows > 1) out.push({ kind: 'punct', text: ',' }, ELLIPSIS);
        i = end;
        continue;
      }
    }
    out.push(t);
    i++;
  }
  return out;
}

const NO_SPACE_BEFORE = new Set([',', ')', ']', ';', '.', '::', '[']);
const NO_SPACE_AFTER = new Set(['(', '[', '.', '::']);

function render(tokens: Token[]): string {
  let s = '';
  let prev: Token | undefined;
  for (const t of tokens) {
    const tight =
      prev === undefined ||
      NO_SPACE_BEFORE.has(t.text) ||
      NO_SPACE_AFTER.has(prev.text) ||
      (t.text === '(' &&
        (prev.kind === 'quoted' || (prev.kind === 'word' && !SPACED_BEFORE_PAREN.has(prev.text))));
    s += tight ? t.text : ` ${t.text}`;
    prev = t;
  }
  return s;
}

/** The statement's text with every literal replaced by `?`, keywords and identifiers lower-cased. */
export function normalizeSql(sql: string): string {
  const tokens = collapseLists(replaceValues(tokenize(sql)));
  while (tokens[tokens.length - 1]?.text === ';') tokens.pop();
  return render(tokens);
}

/**
 * The shape of a statement and a short id for it. `$n` parameters stay as they are; literals,
 * comments, whitespace and keyword case do not count.
 * @example fingerprint("SELECT * FROM t WHERE a = 'x' AND b IN (1,2)").text // select * from t where a = ? and b in (...)
 */
export function fingerprint(sql: string, options: FingerprintOptions = {}): Fingerprint {
  const maxLength = options.maxLength ?? 500;
  const normalized = normalizeSql(sql);
  const id = createHash('sha256').update(normalized).digest('hex').slice(0, 16);
  const text = normalized.length > maxLength ? `${normalized.slice(0, maxLength - 1)}…` : normalized;
  return { id, text };
}
