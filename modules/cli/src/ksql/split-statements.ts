/** One statement of a .ksql file, with the line it starts on (for error messages). */
export interface KsqlStatement {
  text: string;
  line: number;
}

/**
 * Splits a ksqlDB script into statements at top-level semicolons. Semicolons inside single-quoted
 * strings ('it''s; fine'), back-quoted identifiers, double-quoted text, `--` line comments and
 * `/* *\/` block comments do not split. Comments are dropped from the statements sent to the
 * server; each statement keeps its terminating semicolon, as ksqlDB's REST API expects.
 * An unterminated string or comment is an error naming its line.
 */
export function splitStatements(script: string): KsqlStatement[] {
  const statements: KsqlStatement[] = [];
  let current = '';
  let startLine = 0;
  let line = 1;
  let i = 0;
  const flush = () => {
    const text = current.trim();
    if (text) statements.push({ text: `${text};`, line: startLine });
    current = '';
    startLine = 0;
  };
  const append = (text: string) => {
    if (startLine === 0 && text.trim()) startLine = line;
    current += text;
  };
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end < 0 ? script.length : end; // keep the newline: it separates tokens
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      if (end < 0) throw new SyntaxError(`unterminated /* comment starting on line ${line}`);
      line += countNewlines(script, i, end);
      current += ' ';
      i = end + 2;
      continue;
    }
    if (ch === "'" || ch === '`' || ch === '"') {
      const end = closingQuote(script, i, ch);
      if (end < 0) throw new SyntaxError(`unterminated ${ch} quote starting on line ${line}`);
      append(script.slice(i, end + 1));
      line += countNewlines(script, i, end);
      i = end + 1;
      continue;
    }
    if (ch === ';') {
      flush();
      i++;
      continue;
    }
    if (ch === '\n') line++;
    append(ch);
    i++;
  }
  if (current.trim())
    throw new SyntaxError(`statement starting on line ${startLine} has no terminating semicolon`);
  return statements;
}

/** Index of the quote closing the one at `start`; a doubled quote is an escaped quote. */
function closingQuote(script: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < script.length) {
    if (script[i] === quote) {
      if (script[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  return -1;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text[i] === '\n') count++;
  return count;
}

/** Statements ksqlDB serves on /query (queries that return rows) rather than /ksql. */
export function isQueryStatement(statement: string): boolean {
  return /^\s*(SELECT|PRINT)\b/i.test(statement);
}

/**
 * `SET 'prop'='value';` and `UNSET 'prop';` are client-side in the ksql CLI: they change the
 * streamsProperties sent with later statements. Returns the change, or undefined for other statements.
 */
export function parsePropertyStatement(
  statement: string,
): { set: string; value: string } | { unset: string } | undefined {
  const set = /^\s*SET\s+'((?:[^']|'')+)'\s*=\s*'((?:[^']|'')*)'\s*;\s*$/i.exec(statement);
  if (set) return { set: set[1]!.replaceAll("''", "'"), value: set[2]!.replaceAll("''", "'") };
  const unset = /^\s*UNSET\s+'((?:[^']|'')+)'\s*;\s*$/i.exec(statement);
  if (unset) return { unset: unset[1]!.replaceAll("''", "'") };
  return undefined;
}
