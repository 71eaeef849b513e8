import { syntaxError } from '../protocol/errors.js';

export type TokenKind =
  | 'ident' // unquoted identifier or keyword; `value` is lower-cased
  | 'qident' // "Quoted" identifier, case preserved
  | 'string'
  | 'integer'
  | 'float'
  | 'uuid'
  | 'hex'
  | 'qmark'
  | 'named' // :name bind marker
  | 'punct'
  | 'eof';

export interface Token {
  kind: TokenKind;
  value: string;
  /** Source text of the token, for error messages. */
  raw: string;
  line: number;
  col: number;
}

const UUID_STICKY = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/y;
const NUMBER_STICKY = /\d+(\.\d*)?([eE][+-]?\d+)?/y;
const IDENT_STICKY = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const HEX_STICKY = /0[xX][0-9a-fA-F]*/y;
const TWO_CHAR = new Set(['<=', '>=', '!=']);
const ONE_CHAR = new Set(['(', ')', ',', ';', '.', '*', '=', '<', '>', '{', '}', '[', ']', '-', '+', ':']);

/** Splits a CQL statement into tokens; positions are 1-based lines and 0-based columns like Cassandra's. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const push = (kind: TokenKind, value: string, start: number) =>
    out.push({ kind, value, raw: src.slice(start, i), line, col: start - lineStart });
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if ((c === '-' && src[i + 1] === '-') || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw syntaxError(`line ${line}:${i - lineStart} unterminated comment`);
      for (let j = i; j < end; j++) if (src[j] === '\n') line++;
      i = end + 2;
      continue;
    }
    const start = i;
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length)
          throw syntaxError(`line ${line}:${start - lineStart} unterminated string literal`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      push('string', s, start);
      continue;
    }
    if (c === '$' && src[i + 1] === '$') {
      const end = src.indexOf('$$', i + 2);
      if (end < 0) throw syntaxError(`line ${line}:${start - lineStart} unterminated $$ string`);
      i = end + 2;
      push('string', src.slice(start + 2, end), start);
      continue;
    }
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length)
          throw syntaxError(`line ${line}:${start - lineStart} unterminated quoted identifier`);
        if (src[i] === '"') {
          if (src[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      push('qident', s, start);
      continue;
    }
    if (/[0-9a-fA-F]/.test(c)) {
      UUID_STICKY.lastIndex = i;
      if (UUID_STICKY.test(src)) {
        i = UUID_STICKY.lastIndex;
        push('uuid', src.slice(start, i), start);
        continue;
      }
    }
    if (c === '0' && (src[i + 1] === 'x' || src[i + 1] === 'X')) {
      HEX_STICKY.lastIndex = i;
      HEX_STICKY.test(src);
      i = HEX_STICKY.lastIndex;
      push('hex', src.slice(start, i), start);
      continue;
    }
    if (c >= '0' && c <= '9') {
      NUMBER_STICKY.lastIndex = i;
      const m = NUMBER_STICKY.exec(src)!;
      i = NUMBER_STICKY.lastIndex;
      push(m[1] || m[2] ? 'float' : 'integer', m[0], start);
      continue;
    }
    if (/[a-zA-Z_]/.test(c)) {
      IDENT_STICKY.lastIndex = i;
      IDENT_STICKY.test(src);
      i = IDENT_STICKY.lastIndex;
      push('ident', src.slice(start, i).toLowerCase(), start);
      continue;
    }
    if (c === '?') {
      i++;
      push('qmark', '?', start);
      continue;
    }
    if (c === ':' && /[a-zA-Z_"]/.test(src[i + 1] ?? '')) {
      i++;
      if (src[i] === '"') {
        const end = src.indexOf('"', i + 1);
        if (end < 0) throw syntaxError(`line ${line}:${start - lineStart} unterminated bind marker name`);
        const name = src.slice(i + 1, end);
        i = end + 1;
        push('named', name, start);
      } else {
        IDENT_STICKY.lastIndex = i;
        IDENT_STICKY.test(src);
        i = IDENT_STICKY.lastIndex;
        push('named', src.slice(start + 1, i).toLowerCase(), start);
      }
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      i += 2;
      push('punct', two, start);
      continue;
    }
    if (ONE_CHAR.has(c)) {
      i++;
      push('punct', c, start);
      continue;
    }
    throw syntaxError(`line ${line}:${start - lineStart} no viable alternative at character '${c}'`);
  }
  out.push({ kind: 'eof', value: '', raw: '<EOF>', line, col: i - lineStart });
  return out;
}
