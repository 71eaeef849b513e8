// biome-ignore-all lint/suspicious/noTemplateCurlyInString: KSQL variable references are written ${name}
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../src/errors.js';
import { parseStatements } from '../../src/parser/index.js';
import { loadQttCases, QTT_DIR } from './qtt-corpus.js';

// A robustness check over ksqlDB's query-validation tests: every test's statements are parsed as
// one script (joined by newlines, as ksqlDB's runner does). It asserts only that the parser never
// crashes — every failure is a KsqlError — and prints how much parses and the commonest failures
// (run with --silent=false to see them). Tests that expect an exception may legitimately fail.
// Without the files the suite says so by name (a skipped test whose title is the reason).
if (!existsSync(QTT_DIR)) it.skip(`needs ksqlDB's QTT files in ${QTT_DIR} (set KSQL_QTT_DIR)`, () => {});
describe.runIf(existsSync(QTT_DIR))('QTT statements (robustness)', () => {
  it('parse or fail with a KsqlError only', () => {
    let statements = 0;
    let parsed = 0;
    let unexpectedFailures = 0;
    const failures = new Map<string, number>();
    for (const test of loadQttCases()) {
      statements += test.statements.length;
      try {
        parsed += parseStatements(test.statements.join('\n')).length;
      } catch (e) {
        expect(e, `${test.file}: ${test.name}`).toBeInstanceOf(KsqlError);
        if (!test.expectsError) unexpectedFailures++;
        const key = `${test.expectsError ? '(expected) ' : ''}${(e as Error).message
          .replace(/line \d+:\d+: /, '')
          .split('\n')
          .slice(0, 2)
          .join(' / ')}`;
        failures.set(key, (failures.get(key) ?? 0) + 1);
      }
    }
    console.log(
      `QTT: ${parsed} of ${statements} statements parsed; ${unexpectedFailures} failures in tests that expect none`,
    );
    for (const [message, count] of [...failures].sort((a, b) => b[1] - a[1]).slice(0, 15))
      console.log(`  ${count} × ${message}`);
    expect(statements).toBeGreaterThan(0);
  });

  it('damaged statements (cut, with a stray token, with characters dropped) fail with a KsqlError only', () => {
    // A fixed pseudo-random sequence, so a failure reproduces.
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const strays = [
      "'",
      '`',
      '"',
      '(',
      ')',
      ',',
      ';',
      '${x}',
      '->',
      '*',
      'SELECT',
      'AS',
      '[',
      '=>',
      ':=',
      '<',
      '-',
      'CASE',
      '/*',
      '--',
    ];
    let damaged = 0;
    for (const test of loadQttCases().filter((_, i) => i % 10 === 0)) {
      for (const statement of test.statements) {
        const cut = Math.floor(random() * statement.length);
        const stray = strays[Math.floor(random() * strays.length)];
        for (const variant of [
          statement.slice(0, cut),
          `${statement.slice(0, cut)} ${stray} ${statement.slice(cut)}`,
          statement.slice(0, cut) + statement.slice(cut + 1 + Math.floor(random() * 5)),
        ]) {
          damaged++;
          try {
            parseStatements(variant, new Map([['x', '1']]));
          } catch (e) {
            expect(e, variant).toBeInstanceOf(KsqlError);
          }
        }
      }
    }
    expect(damaged).toBeGreaterThan(1000);
  });
});
