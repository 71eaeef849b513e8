import { KsqlError } from '../errors.js';
import type { Expression, ExpressionOf } from '../parser/ast.js';
import { formatSqlType, type SqlType, SqlTypes } from '../types/sql-type.js';
import { identity, implicitConverter } from './cast.js';
import type { CompileContext, Compiled, Evaluator } from './context.js';
import { formatExpression } from './format-expression.js';
import { commonType, type MaybeType } from './type-rules.js';

/** Compiles items to their common type (numbers widen); undefined type when all are NULL. */
function unify(
  items: readonly Compiled[],
  what: string,
  e: Expression,
): { type: MaybeType; evals: Evaluator[] } {
  let type: MaybeType = null;
  for (const item of items) {
    const next = commonType(type, item.type);
    if (next === undefined) {
      throw new KsqlError(
        `invalid input syntax for type ${formatSqlType(type as SqlType)}: ${what} ${formatExpression(item.expr)} is ${formatSqlType(item.type as SqlType)}`,
        e.pos,
      );
    }
    type = next;
  }
  const to = type;
  const evals = items.map((item) => {
    if (to === null) return item.evaluate;
    const conv = implicitConverter(item.type, to);
    const ev = item.evaluate;
    return conv === identity ? ev : (row: readonly unknown[]) => conv(ev(row));
  });
  return { type, evals };
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
    'element',
    e,
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
    'key',
    e,
  );
  const values = unify(
    e.entries.map((en) => ctx.compile(en.value)),
    'value',
    e,
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
    evals.push(c.evaluate);
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
