import { KsqlError } from '../errors.js';
import type { ColumnScope, CompiledExpression } from '../expr/compiled.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { ColumnRef, Expression, SelectItem } from '../parser/ast.js';
import { type Column, LogicalSchema } from '../schema/logical-schema.js';
import { type SqlType, sqlTypeEquals } from '../types/sql-type.js';
import { compileIn } from './compile.js';
import { expressionKey, formatExpression } from './expression-text.js';
import { RESERVED_COLUMN_NAMES } from './source-schema.js';

/** How the projection recognizes the current key columns (in key order). */
export interface KeyBinding {
  /** What a SELECT item may be to carry this key column (after a join: any column equal to the key). */
  readonly expressions: readonly Expression[];
  /** For messages: the source's key, a PARTITION BY expression, or a join's key. */
  readonly what: 'key column' | 'partitioning expression' | 'join expression' | 'foreign-key join key';
  /** A join's synthetic key (ROWKEY): of a FULL OUTER join, or of a join on expressions. */
  readonly synthetic?: 'full' | 'expression';
  /** Foreign-key joins: the left table whose primary key the result's key is. */
  readonly table?: string;
  /** As messages print the alternatives (`ID`, `ABS(INPUT.ID)`, `L.A`). */
  readonly texts: readonly string[];
}

export interface ProjectionInput {
  readonly select: readonly SelectItem[];
  readonly scope: ColumnScope;
  /** What `*` (or `<alias>.*`) expands to, in order (key columns, then value columns; per source for joins). */
  readonly star: (qualifier: string | undefined, pos?: SelectItem['pos']) => readonly StarItem[];
  readonly rowColumns: readonly Column[];
  readonly keyColumns: readonly Column[];
  readonly keys: readonly KeyBinding[];
  readonly functions: FunctionRegistry;
  /** Set for CREATE … AS SELECT / INSERT INTO: the sink's name, and ksqlDB's projection rules apply. */
  readonly sinkName?: string;
  /**
   * INSERT INTO: the target's value columns. A result column of the same name whose numeric type
   * widens to the target's is cast to it (ksqlDB's implicit casts on insert).
   */
  readonly coerceTo?: readonly Column[];
  /** The sink's TIMESTAMP column (CREATE … AS WITH (TIMESTAMP=…)): it must be a result column. */
  readonly timestampColumn?: string;
  /** After a join: the name ksqlDB gives an unaliased column reference. */
  readonly joinColumnName?: (ref: ColumnRef) => string;
}

/** One column `*` stands for: an expression, named by `alias` when it is not a plain column. */
export interface StarItem {
  readonly expression: Expression;
  readonly alias?: string;
}

export interface Projection {
  /** Output schema: key columns under their SELECT aliases, value columns in SELECT order. */
  readonly schema: LogicalSchema;
  /** One compiled expression per output value column. */
  readonly values: readonly CompiledExpression[];
  /**
   * The SELECT items in their order, each as the output column holding it — what a transient
   * query returns (ksqlDB's push and pull results list exactly the items, keys where selected).
   */
  readonly selectOrder: readonly ColumnSource[];
}

/** Where a result column is in an output record: its key (key column index) or its value. */
export interface ColumnSource {
  readonly part: 'KEY' | 'VALUE';
  readonly index: number;
}

interface Item {
  readonly expression: Expression;
  readonly alias?: string;
  readonly generatedName?: boolean;
  readonly pos?: SelectItem['pos'];
  /** Stands for a column of `*`: named by the schema, so reserved names (a ROWTIME key) are fine. */
  readonly fromStar?: boolean;
}

/**
 * Analyzes SELECT (ksqlDB's projection rules): `*` expanded, names given to unaliased items (the
 * column's name, a dereferenced field's name, else KSQL_COL_<n>), items that are the key picked
 * out as the output's key columns, reserved and duplicate names refused, and for persistent
 * queries every key column required exactly once.
 */
export function analyzeProjection(input: ProjectionInput): Projection {
  const items: Item[] = [];
  for (const s of input.select) {
    if (s.kind === 'AllColumns') {
      for (const star of input.star(s.qualifier, s.pos))
        items.push({ expression: star.expression, alias: star.alias, pos: s.pos, fromStar: true });
    } else if (s.kind === 'StructAll') {
      const base = compileIn('SELECT', s.base, input.scope, input.functions);
      if (base.type.base !== 'STRUCT')
        throw new KsqlError(`Cannot expand non-STRUCT expression ${formatExpression(s.base)}`, s.pos);
      for (const f of base.type.fields) {
        items.push({
          expression: { kind: 'Dereference', base: s.base, field: f.name, pos: s.pos },
          alias: f.name,
          pos: s.pos,
        });
      }
    } else {
      items.push({ expression: s.expression, alias: s.alias, pos: s.pos, generatedName: s.generatedName });
    }
  }

  const colKey = (ref: ColumnRef): string => {
    const r = input.scope.resolve(ref);
    return r ? `#${r.index}` : ref.name;
  };
  const keyKeys = input.keys.map((k) => new Set(k.expressions.map((e) => expressionKey(e, colKey))));
  const used = new Set(input.rowColumns.map((c) => c.name));
  let generated = 0;
  const nextGenerated = (): string => {
    let name: string;
    do name = `KSQL_COL_${generated++}`;
    while (used.has(name));
    return name;
  };

  // ksqlDB's StructFieldAliasGenerator: `s->f` is named F, then F_1, F_2… skipping names in use.
  const fieldCounters = new Map<string, number>();
  const nextFieldAlias = (field: string): string => {
    let n = fieldCounters.get(field) ?? 0;
    let name: string;
    do {
      name = n === 0 ? field : `${field}_${n}`;
      n++;
    } while (used.has(name));
    fieldCounters.set(field, n);
    return name;
  };
  const keyAliases: string[][] = input.keys.map(() => []);
  const keyTypes: (SqlType | undefined)[] = input.keys.map(() => undefined);
  const valueColumns: Column[] = [];
  const values: CompiledExpression[] = [];
  const selectOrder: ColumnSource[] = [];
  for (const item of items) {
    const e = item.expression;
    const compiled = compileIn('SELECT', e, input.scope, input.functions);
    const itemKey = expressionKey(e, colKey);
    const keyIndex = keyKeys.findIndex((set) => set.has(itemKey));
    let name = item.alias;
    if (name === undefined) {
      // After a join an unaliased column is named by its own name (`T.NAME` → NAME) unless another
      // source has a column of that name (`L.A` → L_A); `*` gives every column as `<ALIAS>_<COL>`.
      if (item.generatedName) name = nextGenerated();
      else if (e.kind === 'ColumnRef' && input.joinColumnName) name = input.joinColumnName(e);
      else if (e.kind === 'ColumnRef') name = input.scope.resolve(e)!.name;
      else if (e.kind === 'Dereference') name = nextFieldAlias(e.field);
      else name = nextGenerated();
      if (input.sinkName !== undefined && !item.fromStar && RESERVED_COLUMN_NAMES.has(name)) {
        throw new KsqlError(
          `Reserved column name in select: \`${name}\`. Please remove or alias the column.`,
          item.pos,
        );
      }
    } else if (!item.fromStar && RESERVED_COLUMN_NAMES.has(name)) {
      // `l.ROWTIME AS ROWTIME` is no real alias: ksqlDB reports the column itself.
      const trivial = e.kind === 'ColumnRef' && e.name === name;
      throw new KsqlError(
        trivial
          ? `Reserved column name in select: \`${name}\`. Please remove or alias the column.`
          : `\`${name}\` is a reserved column name. You cannot use it as an alias for a column.`,
        item.pos,
      );
    }
    if (keyIndex >= 0) {
      keyAliases[keyIndex].push(name);
      keyTypes[keyIndex] = compiled.type;
      selectOrder.push({ part: 'KEY', index: keyIndex });
      continue;
    }
    selectOrder.push({ part: 'VALUE', index: valueColumns.length });
    const target = input.coerceTo?.[valueColumns.length];
    if (
      target &&
      target.name === name &&
      !sqlTypeEquals(target.type, compiled.type) &&
      widens(compiled.type, target.type)
    ) {
      const cast: Expression = { kind: 'Cast', expression: e, type: target.type, pos: e.pos };
      valueColumns.push({ name, type: target.type, namespace: 'VALUE' });
      values.push(compileIn('SELECT', cast, input.scope, input.functions));
      continue;
    }
    valueColumns.push({ name, type: compiled.type, namespace: 'VALUE' });
    values.push(compiled);
  }

  const keyColumns: Column[] = [];
  const ts = input.timestampColumn;
  if (
    ts !== undefined &&
    !valueColumns.some((c) => c.name === ts) &&
    !keyAliases.some((a) => a.includes(ts))
  ) {
    // ksqlDB checks the sink's TIMESTAMP before the key rules.
    throw new KsqlError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${ts}'`);
  }
  if (input.sinkName !== undefined) {
    const missing = input.keys.filter((_, i) => keyAliases[i].length === 0);
    // ksqlDB names every key column (or partitioning expression) when any is missing.
    if (missing.length > 0)
      throw missingKeyError(
        input.sinkName,
        missing[0].what === 'join expression' || missing[0].what === 'foreign-key join key'
          ? missing
          : input.keys,
      );
    input.keys.forEach((k, i) => {
      if (keyAliases[i].length > 1) {
        const original = input.keyColumns[i]?.name ?? k.texts[0];
        throw new KsqlError(
          `The projection contains a key column (\`${original}\`) more than once, aliased as: ${joinAnd([...keyAliases[i]].sort())}.`,
        );
      }
    });
    if (valueColumns.length === 0) throw new KsqlError('The projection contains no value columns.');
  }
  input.keys.forEach((_, i) => {
    const original = input.keyColumns[i];
    keyColumns.push({
      name: keyAliases[i][0] ?? original.name,
      type: keyTypes[i] ?? original.type,
      namespace: 'KEY',
    });
  });

  const seen = new Set<string>();
  for (const c of [...keyColumns, ...valueColumns]) {
    if (seen.has(c.name)) throw new KsqlError(`Duplicate value columns found in schema: \`${c.name}\``);
    seen.add(c.name);
  }
  return { schema: new LogicalSchema(keyColumns, valueColumns), values, selectOrder };
}

function missingKeyError(sink: string, missing: readonly KeyBinding[]): KsqlError {
  const what = missing[0].what;
  if (what === 'foreign-key join key') {
    const cols = missing.map((k) => `\`${k.texts[0]}\``).join(', ');
    const many = missing.length > 1;
    return new KsqlError(
      `Primary key column${many ? 's' : ''} missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (\`${missing[0].table}\`). Missing column${many ? 's' : ''}: ${cols}.`,
    );
  }
  if (what === 'join expression') {
    const texts = missing[0].texts;
    const plural = texts.length > 1 ? 'join expressions' : 'join expression';
    const list =
      texts.length > 1 ? `${texts.slice(0, -1).join(', ')} or ${texts[texts.length - 1]}` : texts[0];
    const base = `The query used to build \`${sink}\` must include the ${plural} ${list} in its projection (eg, SELECT ${texts[0]}...).`;
    const synthetic = missing[0].synthetic;
    if (!synthetic) return new KsqlError(base);
    const why = `${texts[0]} was added as a synthetic key column because the join criteria did not match any source column.`;
    // ksqlDB words the FULL OUTER case (no source column equals the key) more briefly.
    return new KsqlError(
      synthetic === 'full'
        ? `${base}\n${why}`
        : `Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n${base}\n${why} This expression must be included in the projection and may be aliased.`,
    );
  }
  const plural =
    missing.length > 1 ? (what === 'key column' ? 'key columns' : 'partitioning expressions') : what;
  const texts = missing.map((k) => k.texts[0]);
  return new KsqlError(
    `The query used to build \`${sink}\` must include the ${plural} ${joinAnd(texts)} in its projection (eg, SELECT ${texts.join(', ')}...).`,
  );
}

/** `A`, `A and B`, `A, B and C` — as ksqlDB lists names in messages. */
export function joinAnd(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const NUMERIC_RANK: Readonly<Record<string, number>> = { INTEGER: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };

/** Numeric widening ksqlDB applies implicitly: INT → BIGINT → DECIMAL → DOUBLE (and DECIMAL → DECIMAL). */
function widens(from: SqlType, to: SqlType): boolean {
  const a = NUMERIC_RANK[from.base];
  const b = NUMERIC_RANK[to.base];
  return a !== undefined && b !== undefined && (a < b || (from.base === 'DECIMAL' && to.base === 'DECIMAL'));
}
