/**
 * A lexer for PostgreSQL statements, just precise enough to tell literals from everything else:
 * a digit inside `table1` or a quote inside a dollar-quoted body must never be mistaken for a value.
 */

/** `literal` covers strings, numbers and dollar-quoted bodies; `param` is `$1`; `op` an operator. */
export type TokenKind = 'word' | 'quoted' | 'literal' | 'param' | 'op' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
}

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80;
const isIdentPart = (c: string) => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const OP_CHARS = '+-*/<>=~!@#%^&|`?';
// PostgreSQL's rule: an operator may end in + or - only if it also holds one of these, so that
// `x=-1` lexes as `=` and `-1`.
const OP_SPECIAL = /[~!@#%^&|`?]/;
// Prefixes that turn a following quote into a typed string constant: E'…', B'…', X'…', N'…'.
const STRING_PREFIXES = new Set(['e', 'b', 'x', 'n']);
// Sticky, so that matching at a position never copies the rest of a long statement.
const NUMBER = /0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9]+)?/y;
const DOLLAR_TAG = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;

/** Splits `sql` into tokens, dropping whitespace and comments. Never throws: unterminated runs end at the end. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const n = sql.length;
  let i = 0;

  const readQuoted = (start: number, quote: string, backslashEscapes: boolean): number => {
    let j = start + 1;
    while (j < n) {
      const c = sql[j];
      if (backslashEscapes && c === '\\') j += 2;
      else if (c === quote && sql[j + 1] === quote) j += 2;
      else if (c === quote) return j + 1;
      else j++;
    }
    return n;
  };

  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      // Block comments nest in PostgreSQL.
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'") {
      i = readQuoted(i, "'", false);
      out.push({ kind: 'literal', text: '?' });
    } else if (c === '"') {
      const end = readQuoted(i, '"', false);
      out.push({ kind: 'quoted', text: sql.slice(i, end) });
      i = end;
    } else if (c === '$' && isDigit(next)) {
      let j = i + 1;
      while (isDigit(sql[j])) j++;
      out.push({ kind: 'param', text: sql.slice(i, j) });
      i = j;
    } else if (c === '$') {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql);
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
        out.push({ kind: 'literal', text: '?' });
      } else {
        out.push({ kind: 'op', text: c });
        i++;
      }
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(sql);
      let len = m?.[0].length || 1;
      // `1..2` is not a number followed by a number; keep the second dot out.
      if (sql[i + len - 1] === '.' && sql[i + len] === '.') len--;
      out.push({ kind: 'literal', text: '?' });
      i += len;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(sql[j] as string)) j++;
      const word = sql.slice(i, j).toLowerCase();
      if (sql[j] === "'" && STRING_PREFIXES.has(word)) {
        i = readQuoted(j, "'", word === 'e');
        out.push({ kind: 'literal', text: '?' });
      } else if (word === 'u' && sql[j] === '&' && sql[j + 1] === "'") {
        i = readQuoted(j + 1, "'", false);
        out.push({ kind: 'literal', text: '?' });
      } else if (word === 'u' && sql[j] === '&' && sql[j + 1] === '"') {
        const end = readQuoted(j + 1, '"', false);
        out.push({ kind: 'quoted', text: sql.slice(i, end) });
        i = end;
      } else {
        out.push({ kind: 'word', text: word });
        i = j;
      }
    } else if (c === ':' && next === ':') {
      out.push({ kind: 'punct', text: '::' });
      i += 2;
    } else if ('()[],;.:'.includes(c)) {
      out.push({ kind: 'punct', text: c });
      i++;
    } else if (OP_CHARS.includes(c)) {
      let j = i;
      // A comment start ends the operator.
      while (
        j < n &&
        OP_CHARS.includes(sql[j] as string) &&
        !(j > i && sql[j] === '-' && sql[j + 1] === '-') &&
        !(j > i && sql[j] === '/' && sql[j + 1] === '*')
      )
        j++;
      let op = sql.slice(i, j);
      while (op.length > 1 && /[+-]$/.test(op) && !OP_SPECIAL.test(op)) op = op.slice(0, -1);
      out.push({ kind: 'op', text: op });
      i += op.length;
    } else {
      out.push({ kind: 'op', text: c });
      i++;
    }
  }
  return out;
}
