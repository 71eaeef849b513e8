import { type IToken, tokenMatcher } from 'chevrotain';
import { KsqlError } from '../errors.js';
import type { VariableUse } from './grammar.js';
import { tokenPos, unquote } from './literals.js';
import { StringLiteral, Variable } from './tokens.js';

/**
 * Variable substitution as ksqlDB does it (`DEFINE name = 'value'`, then `${name}`):
 *   - names are case-insensitive (the map is keyed by the upper-cased name);
 *   - a reference standing for an identifier is replaced by the value as is, which must then be a
 *     valid identifier (optionally "quoted" or `back-quoted`);
 *   - a reference standing for a literal must be a quoted string, a boolean or a number;
 *   - inside a string literal, references are replaced with the value's quotes escaped (`'` → `''`),
 *     `$${name}` escapes a reference, and undefined references stay as written;
 *   - a reference outside a string to an undefined variable is an error (ksqlDB's substitution
 *     leaves it, and the statement then fails to parse or name anything).
 * The substitution is textual; the caller parses the result again.
 */
export type VariableScope = Map<string, string>;

const VALID_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_@]*$/;
const REFERENCE = /(\$?)\$\{([^}]*)\}/g;

export function variableKey(name: string): string {
  return name.toUpperCase();
}

/** ksqlDB's sanitizer: quotes inside the value are doubled, surrounding quotes kept. */
function sanitize(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
    return `'${unquote(value, "'").replaceAll("'", "''")}'`;
  }
  return value.replaceAll("'", "''");
}

function identifierText(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return unquote(value, '"');
  if (value.length >= 2 && value.startsWith('`') && value.endsWith('`')) return unquote(value, '`');
  return value;
}

function isLiteralValue(value: string): boolean {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return true;
  if (/^(true|false)$/i.test(value)) return true;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value);
}

/** Whether a statement's text must be substituted at all. */
export function needsSubstitution(
  tokens: readonly IToken[],
  uses: readonly VariableUse[],
  scope: VariableScope,
): boolean {
  if (uses.length > 0) return true;
  if (scope.size === 0) return false;
  return tokens.some((t) => tokenMatcher(t, StringLiteral) && t.image.includes('${'));
}

/**
 * The statement's text (`source` from `tokens[0]` to the last token) with its variables replaced.
 * `uses` says which `${…}` tokens stand for identifiers and which for literals.
 */
export function substitute(
  source: string,
  tokens: readonly IToken[],
  uses: readonly VariableUse[],
  scope: VariableScope,
): string {
  const roles = new Map<IToken, VariableUse['role']>(uses.map((u) => [u.token, u.role]));
  // The replacement of each name is fixed by its first use, as ksqlDB's substitutor does.
  const replacement = new Map<string, string>();

  for (const token of tokens) {
    if (tokenMatcher(token, StringLiteral)) {
      for (const match of unquote(token.image, "'").matchAll(REFERENCE)) {
        const key = variableKey(match[2]);
        const value = scope.get(key);
        if (match[1] === '' && value !== undefined && !replacement.has(key))
          replacement.set(key, sanitize(value));
      }
    } else if (tokenMatcher(token, Variable)) {
      const name = token.image.slice(2, -1);
      const key = variableKey(name);
      const value = scope.get(key);
      const pos = tokenPos(token);
      if (value === undefined)
        throw new KsqlError(`Illegal argument. Variable '${name}' is not defined.`, pos);
      if (roles.get(token) === 'identifier') {
        if (!VALID_IDENTIFIER.test(identifierText(value))) {
          throw new KsqlError(
            "Illegal argument. Identifier names cannot start with '@' and may only contain alphanumeric values and '_'." +
              ` Got: '${value}'`,
            pos,
          );
        }
        if (!replacement.has(key)) replacement.set(key, value);
      } else {
        if (!isLiteralValue(value)) throw new KsqlError(`Illegal argument. Got: '${value}'`, pos);
        if (!replacement.has(key)) replacement.set(key, sanitize(value));
      }
    }
  }

  const start = tokens[0].startOffset;
  let out = '';
  let cursor = start;
  for (const token of tokens) {
    const end = (token.endOffset ?? token.startOffset) + 1;
    if (tokenMatcher(token, Variable)) {
      out += source.slice(cursor, token.startOffset);
      out += replacement.get(variableKey(token.image.slice(2, -1))) ?? token.image;
    } else if (tokenMatcher(token, StringLiteral) && token.image.includes('${')) {
      out += source.slice(cursor, token.startOffset);
      out += token.image.replace(REFERENCE, (whole, escaped: string, name: string) => {
        if (escaped) return whole.slice(1);
        return replacement.get(variableKey(name)) ?? whole;
      });
    } else {
      out += source.slice(cursor, end);
    }
    cursor = end;
  }
  return out;
}
