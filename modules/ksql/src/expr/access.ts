import { KsqlError } from '../errors.js';
import type { ExpressionOf } from '../parser/ast.js';
import { formatSqlType } from '../types/sql-type.js';
import { identity, implicitConverter } from './cast.js';
import type { CompileContext, Compiled } from './context.js';
import { formatExpression } from './format-expression.js';
import { isNumeric } from './type-rules.js';
import { valuesEqual } from './value-compare.js';

/** `struct->field`: NULL when the struct is NULL. */
export function compileDereference(e: ExpressionOf<'Dereference'>, ctx: CompileContext): Compiled {
  const base = ctx.compile(e.base);
  if (base.type === null || base.type.base !== 'STRUCT') {
    throw new KsqlError(
      `Can't dereference ${formatExpression(e.base)}: the dereference operator (->) applies to STRUCTs, not ${base.type ? formatSqlType(base.type) : 'null'}.`,
      e.pos,
    );
  }
  const field = base.type.fields.find((f) => f.name === e.field);
  if (!field)
    throw new KsqlError(`Could not find field '${e.field}' in '${formatExpression(e.base)}'.`, e.pos);
  const name = field.name;
  const ev = base.evaluate;
  return {
    expr: e,
    type: field.type,
    evaluate: (row) => {
      const s = ev(row) as Record<string, unknown> | null;
      return s === null ? null : (s[name] ?? null);
    },
  };
}

/**
 * `array[i]` (1-based, negative counts from the end, out of range is NULL) and `map[key]`
 * (NULL when absent).
 */
export function compileSubscript(e: ExpressionOf<'Subscript'>, ctx: CompileContext): Compiled {
  const base = ctx.compile(e.base);
  const index = ctx.compile(e.index);
  const bt = base.type;
  const be = base.evaluate;
  const ie = index.evaluate;
  if (bt?.base === 'ARRAY') {
    if (
      index.type !== null &&
      (!isNumeric(index.type) || index.type.base === 'DOUBLE' || index.type.base === 'DECIMAL')
    ) {
      throw new KsqlError(
        `Array index must be an INTEGER, but ${formatExpression(e.index)} is ${formatSqlType(index.type)}.`,
        e.index.pos,
      );
    }
    return {
      expr: e,
      type: bt.element,
      evaluate: (row) => {
        const a = be(row) as unknown[] | null;
        if (a === null) return null;
        const i = ie(row) as number | null;
        if (i === null) return null;
        const at = i > 0 ? i - 1 : a.length + i;
        return i === 0 || at < 0 || at >= a.length ? null : (a[at] ?? null);
      },
    };
  }
  if (bt?.base === 'MAP') {
    let conv = identity;
    if (index.type !== null) {
      try {
        conv = implicitConverter(index.type, bt.key);
      } catch {
        throw new KsqlError(
          `Map key must be ${formatSqlType(bt.key)}, but ${formatExpression(e.index)} is ${formatSqlType(index.type)}.`,
          e.index.pos,
        );
      }
    }
    const primitiveKey =
      bt.key.base !== 'DECIMAL' &&
      bt.key.base !== 'BYTES' &&
      bt.key.base !== 'ARRAY' &&
      bt.key.base !== 'MAP' &&
      bt.key.base !== 'STRUCT';
    return {
      expr: e,
      type: bt.value,
      evaluate: (row) => {
        const m = be(row) as Map<unknown, unknown> | null;
        if (m === null) return null;
        const k = conv(ie(row));
        if (k === null) return null;
        if (primitiveKey) return m.get(k) ?? null;
        for (const [mk, mv] of m) if (valuesEqual(mk, k)) return mv ?? null;
        return null;
      },
    };
  }
  const structHint =
    bt?.base === 'STRUCT' && index.constant && typeof index.constant.value === 'string'
      ? ` Use the dereference operator for STRUCTS: ${formatExpression(e.base)}->'${index.constant.value}'`
      : '';
  throw new KsqlError(
    `Subscript expression (${formatExpression(e)}) do not apply to ${bt ? formatSqlType(bt) : 'null'}.${structHint}`,
    e.pos,
  );
}
