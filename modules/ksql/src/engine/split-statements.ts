/**
 * Splits a request's SQL into statement texts at top-level semicolons (not inside '…' strings,
 * `…` / "…" identifiers or comments). The engine parses statements one at a time so that a DEFINE
 * takes effect for the statements after it in the same request, as ksqlDB's does.
 * Each piece keeps its offset in the request (for positions in messages).
 */
export interface StatementSlice {
  readonly text: string;
  /** 1-based line of the slice's first character in the request. */
  readonly line: number;
}

export function splitStatements(sql: string): StatementSlice[] {
  const out: StatementSlice[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  const push = (end: number) => {
    const piece = sql.slice(start, end);
    if (stripComments(piece).trim() !== '') {
      const lead = piece.length - piece.trimStart().length;
      const line = lineAt(sql, start + lead);
      out.push({ text: piece.trim(), line });
    }
  };
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '`' || c === '"') {
      i++;
      while (i < n) {
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === ';') {
      push(i + 1);
      start = ++i;
    } else i++;
  }
  push(n);
  return out;
}

function stripComments(s: string): string {
  return s.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

function lineAt(s: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (s[i] === '\n') line++;
  return line;
}
