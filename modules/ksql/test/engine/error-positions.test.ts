import { describe, expect, it } from 'vitest';
import { KsqlError, UnsupportedFeatureError } from '../../src/errors.js';
import { testEngine } from './helpers.js';

const SOURCE =
  "CREATE STREAM S (ID INT KEY, NAME STRING, V BIGINT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');\n";

/** The error `execute` rejects with. */
async function failure(sql: string): Promise<KsqlError> {
  const { engine } = testEngine({ topics: { s: 1 } });
  const err = await engine.execute(sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KsqlError);
  return err as KsqlError;
}

describe('errors a user meets name what is wrong and where', () => {
  it('a syntax error: line and column of the offending token and what was expected', async () => {
    const err = await failure(`${SOURCE}CREATE STREAM OUT AS\n  SELECT ID, NAME FROM S WHERE V >;`);
    expect(err.position).toEqual({ line: 3, column: 35 });
    expect(err.message).toMatch(/line 3:35/);
    expect(err.message).toMatch(/[Ee]xpecting|expected|Syntax [Ee]rror/);
  });

  it('an unknown column: its name and the position of the reference', async () => {
    const err = await failure(`${SOURCE}CREATE STREAM OUT AS SELECT ID, NAMES FROM S;`);
    expect(err.message).toContain("'NAMES' cannot be resolved");
    expect(err.position).toEqual({ line: 2, column: 33 });
  });

  it('a type error: the operator and the operand types, at the expression', async () => {
    const err = await failure(`${SOURCE}CREATE STREAM OUT AS SELECT ID FROM S WHERE NAME > 5;`);
    expect(err.message).toMatch(/STRING/);
    expect(err.message).toMatch(/INTEGER/);
    expect(err.position?.line).toBe(2);
  });

  it('an unsupported feature: named, at the statement that uses it, never silently accepted', async () => {
    const err = await failure(`${SOURCE}PRINT 's' FROM BEGINNING;`);
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect((err as UnsupportedFeatureError).feature).toMatch(/PRINT/i);
    expect(err.message).toContain('not supported by the meterstream KSQL engine');
  });
});
