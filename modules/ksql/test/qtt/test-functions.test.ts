import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/expr/compile.js';
import type { EvaluationError } from '../../src/expr/compiled.js';
import { createFunctionRegistry } from '../../src/function/registry.js';
import { createQttFunctionRegistry } from '../../src/qtt/test-functions/index.js';
import type { Expression } from '../../src/parser/ast.js';
import { E, scopeOf } from '../expr/builder.js';

const qtt = createQttFunctionRegistry();

/** Compiles against the QTT registry; failures are collected, the value then reads NULL. */
function run(expr: Expression): { value: unknown; errors: string[] } {
  const errors: EvaluationError[] = [];
  const compiled = compileExpression(expr, scopeOf([]), qtt, { onError: (e) => errors.push(e) });
  const value = compiled.evaluate([]);
  return { value, errors: errors.map((e) => String((e as { message?: string }).message ?? e)) };
}

describe('the QTT runner’s test-only functions', () => {
  it('exist in the runner’s registry only, never in the production one', () => {
    const production = createFunctionRegistry();
    for (const name of ['BAD_UDF', 'WHENCONDITION', 'WHENRESULT']) {
      expect(qtt.getScalar(name)).toBeDefined();
      expect(production.getScalar(name)).toBeUndefined();
    }
  });

  it('BAD_UDF(INT) always fails; BAD_UDF(BOOLEAN) fails on true only', () => {
    const boom = run(E.call('BAD_UDF', E.int(1)));
    expect(boom.value).toBeNull();
    expect(boom.errors.join()).toContain('boom!');
    expect(run(E.call('BAD_UDF', E.bool(false)))).toEqual({ value: 0, errors: [] });
    expect(run(E.call('BAD_UDF', E.bool(true))).errors.join()).toContain('You asked me to throw');
  });

  it('BAD_UDF(STRING) returns NULL on every other call of the same call site', () => {
    const compiled = compileExpression(E.call('BAD_UDF', E.str('x')), scopeOf([]), qtt);
    expect([1, 2, 3, 4].map(() => compiled.evaluate([]))).toEqual([null, 'x', null, 'x']);
  });

  it('WHENCONDITION / WHENRESULT fail when evaluated with false: a lazy CASE never calls them', () => {
    const lazy = E.caseWhen(
      [
        [E.call('WHENCONDITION', E.bool(true), E.bool(true)), E.call('WHENRESULT', E.int(1), E.bool(true))],
        [E.call('WHENCONDITION', E.bool(true), E.bool(false)), E.call('WHENRESULT', E.int(2), E.bool(false))],
      ],
      E.call('WHENRESULT', E.int(3), E.bool(false)),
    );
    expect(run(lazy)).toEqual({ value: 1, errors: [] });
    const eager = run(E.call('WHENCONDITION', E.bool(true), E.bool(false)));
    expect(eager.errors.join()).toContain('When condition in case is not running lazily!');
    expect(run(E.call('WHENRESULT', E.int(2), E.bool(false))).errors.join()).toContain(
      'Then expression in case is not running lazily!',
    );
  });
});
