import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionInfoOf } from '../../src/rest/function-signature.js';
import { h1Request, json, type Started, startTestServer } from './rest-test-helpers.js';

describe('DESCRIBE FUNCTION over /ksql', () => {
  let t: Started;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.server.close());

  it("answers describe_function with each variant's argument list and return type", async () => {
    const res = await h1Request(t.server, 'POST', '/ksql', json({ ksql: 'DESCRIBE FUNCTION SUBSTRING;' }));
    expect(res.status).toBe(200);
    const [entity] = JSON.parse(res.text) as Record<string, unknown>[];
    expect(entity).toMatchObject({ '@type': 'describe_function', name: 'SUBSTRING', type: 'SCALAR' });
    const functions = entity?.functions as {
      arguments: { name: string; type: string }[];
      returnType: string;
    }[];
    expect(functions.length).toBeGreaterThan(0);
    for (const f of functions) {
      expect(f.returnType).not.toBe('');
      expect(f.arguments.length).toBeGreaterThan(0);
      for (const a of f.arguments) expect(a.type).not.toBe('');
    }
    expect(functions.map((f) => f.arguments.map((a) => a.type)[0])).toContain('STRING');
  });

  it('answers 400 for an unknown function', async () => {
    const res = await h1Request(
      t.server,
      'POST',
      '/ksql',
      json({ ksql: 'DESCRIBE FUNCTION NOPE_NOT_HERE;' }),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ message: expect.stringContaining('NOPE_NOT_HERE') });
  });
});

describe('functionInfoOf', () => {
  it('splits names, nested types and a variadic last argument', () => {
    expect(functionInfoOf('F(m MAP<STRING, INT>, d DECIMAL(10, 2), xs STRING...) => ARRAY<STRING>')).toEqual({
      arguments: [
        { name: 'm', type: 'MAP<STRING, INT>', description: '', isVariadic: false },
        { name: 'd', type: 'DECIMAL(10, 2)', description: '', isVariadic: false },
        { name: 'xs', type: 'STRING', description: '', isVariadic: true },
      ],
      returnType: 'ARRAY<STRING>',
      description: '',
    });
    expect(
      functionInfoOf('G(INT, STRUCT<A INT, B STRING>) => INT').arguments.map((a) => [a.name, a.type]),
    ).toEqual([
      ['', 'INT'],
      ['', 'STRUCT<A INT, B STRING>'],
    ]);
    expect(functionInfoOf('NOW() => BIGINT')).toEqual({
      arguments: [],
      returnType: 'BIGINT',
      description: '',
    });
  });
});
