import { describe, expect, it } from 'vitest';
import { KsqlError, locationPrefix } from '../../src/errors.js';
import { testEngine } from '../engine/helpers.js';

/** Message forms as ksqlDB prints them: where the position goes and which wrapper comes first. */
describe('KsqlError location styles', () => {
  it('prints the parser form by default and keeps the bare detail', () => {
    const e = new KsqlError('Bad thing', { line: 3, column: 7 });
    expect(e.message).toBe('line 3:7: Bad thing');
    expect(e.detail).toBe('Bad thing');
  });

  it('prints the analyzer (node) form when asked', () => {
    const e = new KsqlError('Bad thing', { line: 2, column: 13 }, { locationStyle: 'node' });
    expect(e.message).toBe('Line: 2, Col: 13: Bad thing');
    expect(locationPrefix({ line: 1, column: 1 }, 'node')).toBe('Line: 1, Col: 1: ');
  });

  it('puts a statement-level wrapper before the location', () => {
    const e = new KsqlError('x', { line: 1, column: 2 }, { wrapper: 'Failed to prepare statement: ' });
    expect(e.message).toBe('Failed to prepare statement: line 1:2: x');
    expect(new KsqlError('y', undefined, { wrapper: 'W: ' }).message).toBe('W: y');
  });
});

describe('engine error messages', () => {
  const source =
    "CREATE STREAM S (K STRING KEY, A BIGINT, B BOOLEAN) WITH (kafka_topic='s', value_format='JSON');";

  async function failure(sql: string): Promise<string> {
    const { engine } = testEngine({ topics: { s: 1 } });
    await engine.execute(source);
    try {
      await engine.execute(sql);
    } catch (err) {
      expect(err).toBeInstanceOf(KsqlError);
      return (err as Error).message;
    }
    throw new Error(`no error for ${sql}`);
  }

  it('an out-of-range integer literal fails preparing the statement', async () => {
    const msg = await failure('CREATE STREAM O AS SELECT K, 99999999999999999999 AS X FROM S;');
    // The literal starts at column 30; ksqlDB's AST builder reports one past it.
    expect(msg).toBe('Failed to prepare statement: line 1:31: Invalid numeric literal: 99999999999999999999');
  });

  it('a DOUBLE literal beyond the range fails preparing the statement', async () => {
    const msg = await failure('CREATE STREAM O AS SELECT K, 2E308 AS X FROM S;');
    expect(msg).toBe('Failed to prepare statement: line 1:31: Number overflows DOUBLE: 2E308');
  });

  it('an unknown qualifier fails preparing the statement, without a position', async () => {
    const msg = await failure('CREATE STREAM O AS SELECT NOPE.A FROM S;');
    expect(msg).toBe("Failed to prepare statement: 'NOPE' is not a valid stream/table name or alias.");
  });

  it('INSERT INTO an unknown target uses the analyzer location form', async () => {
    const msg = await failure('INSERT INTO NOWHERE SELECT * FROM S;');
    expect(msg).toBe('Line: 1, Col: 13: Source `NOWHERE` does not exist.');
  });

  it('a constructor in an IN list that cannot be coerced is named whole', async () => {
    const msg = await failure('CREATE STREAM O AS SELECT * FROM S WHERE ARRAY[A] IN (ARRAY[A], ARRAY[B]);');
    expect(msg).toContain(
      'Invalid Predicate: operator does not exist: ARRAY<BIGINT> = ARRAY<BOOLEAN> (ARRAY[B])',
    );
  });

  it('a non-constructor item that cannot be coerced is named itself', async () => {
    const msg = await failure('CREATE STREAM O AS SELECT * FROM S WHERE A IN (1, B);');
    expect(msg).toContain('Invalid Predicate: operator does not exist: BIGINT = BOOLEAN (B)');
  });
});

describe('the failed statement in the message', () => {
  it('appends `Statement: <text>` as the ksqlDB server does once the engine names the statement', async () => {
    const { engine } = testEngine();
    const err = (await engine
      .execute("CREATE STREAM X (A INT (KEY)) WITH (kafka_topic='x', format='JSON');")
      .catch((e: unknown) => e)) as KsqlError;
    expect(err).toBeInstanceOf(KsqlError);
    expect(err.messageWithStatement).toBe(`${err.message}\nStatement: ${err.statementText}`);
    expect(err.statementText).toContain('CREATE STREAM X (A INT (KEY))');
    expect(err.message).toMatch(/^line 1:\d+: Syntax Error/);
    expect(new KsqlError('no statement').messageWithStatement).toBe('no statement');
  });
});
