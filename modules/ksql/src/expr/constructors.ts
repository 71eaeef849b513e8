import { KsqlError } from '../errors.js';
import type { ExpressionOf } from '../parser/ast.js';
import { SqlTypes } from '../types/sql-type.js';
import { EvaluationError } from './compiled.js';
import type { CompileContext, Compiled, Evaluator } from './context.js';
import { coerceList } from './list-coercion.js';
import type { MaybeType } from './type-rules.js';

/** Items compiled to their common type (ksqlDB's list coercion); a NULL type when all are NULL. */
function unify(items: readonly Compiled[], ctx: CompileContext): { type: MaybeType; evals: Evaluator[] } {
  const { type, compiled } = coerceList(items, ctx);
  return { type, evals: compiled.map((c) => nullOnError(c, ctx)) };
}

/**
 * ksqlDB's nested error handling: an element, key, value or field that fails to evaluate is
 * NULL (reported), not a failure of the whole constructor. Literals cannot fail: no wrapper.
 */
function nullOnError(c: Compiled, ctx: CompileContext): Evaluator {
  const ev = c.evaluate;
  if (c.constant) return ev;
  const onError = ctx.onError;
  return (row) => {
    try {
      return ev(row);
    } catch (err) {
      if (!(err instanceof EvaluationError)) throw err;
      onError(err);
      return null;
    }
  };
}

/** `ARRAY[a, b, …]`: the elements' common type. */
export function compileArrayConstructor(e: ExpressionOf<'ArrayConstructor'>, ctx: CompileContext): Compiled {
  if (e.items.length === 0) {
    throw new KsqlError(
      'Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).',
      e.pos,
    );
  }
  const { type, evals } = unify(
    e.items.map((i) => ctx.compile(i)),
    ctx,
  );
  if (type === null) {
    throw new KsqlError(
      'Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
      e.pos,
    );
  }
  const n = evals.length;
  return {
    expr: e,
    type: SqlTypes.array(type),
    evaluate: (row) => {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = evals[i](row);
      return out;
    },
  };
}

/** `MAP(k := v, …)`: keys' and values' common types; a later duplicate key wins. */
export function compileMapConstructor(e: ExpressionOf<'MapConstructor'>, ctx: CompileContext): Compiled {
  if (e.entries.length === 0) {
    throw new KsqlError(
      'Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).',
      e.pos,
    );
  }
  const keys = unify(
    e.entries.map((en) => ctx.compile(en.key)),
    ctx,
  );
  const values = unify(
    e.entries.map((en) => ctx.compile(en.value)),
    ctx,
  );
  if (keys.type === null) {
    throw new KsqlError(
      'Cannot construct a map with all NULL keys (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL key to the desired type.',
      e.pos,
    );
  }
  if (values.type === null) {
    throw new KsqlError(
      'Cannot construct a map with all NULL values (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.',
      e.pos,
    );
  }
  const n = e.entries.length;
  const ke = keys.evals;
  const ve = values.evals;
  return {
    expr: e,
    type: SqlTypes.map(keys.type, values.type),
    evaluate: (row) => {
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < n; i++) m.set(ke[i](row), ve[i](row));
      return m;
    },
  };
}

/** `STRUCT(name := v, …)`: fields in the order written. */
export function compileStructConstructor(
  e: ExpressionOf<'StructConstructor'>,
  ctx: CompileContext,
): Compiled {
  const seen = new Set<string>();
  const names: string[] = [];
  const evals: Evaluator[] = [];
  const fields = e.fields.map((f) => {
    if (seen.has(f.name)) throw new KsqlError('Duplicate field names found in STRUCT', e.pos);
    seen.add(f.name);
    const c = ctx.compile(f.value);
    if (c.type === null) {
      throw new KsqlError(
        `Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR). (field ${f.name})`,
        f.value.pos ?? e.pos,
      );
    }
    names.push(f.name);
    evals.push(nullOnError(c, ctx));
    return { name: f.name, type: c.type };
  });
  const n = names.length;
  return {
    expr: e,
    type: SqlTypes.struct(fields),
    evaluate: (row) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) o[names[i]] = evals[i](row);
      return o;
    },
  };
}
