import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the ksqlDB query-validation tests are extracted on this machine (absent elsewhere). */
/**
 * ksqlDB's query-validation tests (Confluent Community License: read from a checkout, never copied
 * here). KSQL_QTT_DIR points at them; the default is where the team's machines extract them.
 */
export const QTT_DIR =
  process.env.KSQL_QTT_DIR ??
  '/work/ksql-qtt/ksqldb-functional-tests/src/test/resources/query-validation-tests';

export interface QttCase {
  readonly file: string;
  readonly name: string;
  readonly statements: readonly string[];
  readonly expectsError: boolean;
}

/** QTT files allow `//` comments (Jackson's lenient mode); strip them outside strings. */
function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

interface QttFile {
  tests?: { name: string; statements?: string[]; format?: string[]; expectedException?: unknown }[];
}

/** Every test's statements, with `{FORMAT}` replaced by the test's first format (as the QTT runner expands it). */
export function loadQttCases(dir = QTT_DIR): QttCase[] {
  const cases: QttCase[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const parsed = JSON.parse(stripComments(readFileSync(join(dir, file), 'utf8'))) as QttFile;
    for (const test of parsed.tests ?? []) {
      const format = test.format?.[0] ?? 'JSON';
      cases.push({
        file,
        name: test.name,
        statements: (test.statements ?? []).map((s) => s.replaceAll('{FORMAT}', format)),
        expectsError: test.expectedException !== undefined,
      });
    }
  }
  return cases;
}
