import { KTable, type Serde, type Windowed } from '@meterstream/streams';
import { KsqlError } from '../errors.js';
import type { JoinClause } from '../parser/ast.js';
import type { Column, GenericKey, GenericRow } from '../schema/logical-schema.js';
import { formatSqlType, sqlTypeEquals } from '../types/sql-type.js';
import type { SideColumns } from './join-columns.js';
import type { JoinCriteria } from './join-criteria.js';
import { INFERRING } from './join-key-format.js';
import { compileOperand, rekeyTable } from './join-rekey.js';
import { CompleteJoinedTableRow, type JoinRowLayout, rowJoiner } from './join-row.js';
import { joinSchema } from './join-schema.js';
import type { JoinPlanOptions, JoinSide } from './join-step.js';
import type { PlanContext } from './plan-context.js';
import type { PlannedStream } from './planned-stream.js';

export interface ForeignKeyJoinInput {
  readonly left: JoinSide;
  readonly right: JoinSide;
  readonly join: JoinClause;
  readonly ctx: PlanContext;
  readonly L: SideColumns;
  readonly R: SideColumns;
  readonly criteria: JoinCriteria;
  /** `LEFT [OUTER] JOIN`-style description for messages (`T1 [INNER] JOIN T2`). */
  readonly describe: () => string;
  /** The ON operands as written, for messages (`T1.FK = T2.ID`). */
  readonly got: () => string;
  readonly options: JoinPlanOptions;
}

/**
 * A table–table join whose left operand is not the left table's key while the right one is the
 * right table's primary key: ksqlDB's foreign-key join (KLIP-41), on the streams library's
 * KTable#join(other, foreignKeyExtractor, joiner). The result keeps the left table's key columns
 * (named `<LEFT ALIAS>_<COL>`); no co-partitioning is needed, so partition counts are not checked.
 */
export async function planForeignKeyJoin(input: ForeignKeyJoinInput): Promise<PlannedStream> {
  const { left, right, join, ctx, L, R, criteria } = input;
  if (join.type === 'FULL') {
    throw new KsqlError(
      `Invalid join type: full-outer join not supported for foreign-key table-table join. Got ${input.describe()}.`,
      join.pos,
    );
  }
  if (join.type === 'RIGHT')
    throw new KsqlError('RIGHT OUTER JOIN on a foreign key is not supported', join.pos);
  if (left.planned.sources || right.planned.sources) {
    throw new KsqlError(
      `Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${input.got()}.`,
      join.on.pos,
    );
  }
  if (left.planned.kind !== 'TABLE' || right.planned.kind !== 'TABLE')
    throw new Error('foreign-key joins join tables');
  const fk = compileOperand(criteria.left, ctx.functions);
  const rightKey = right.planned.schema.key;
  const rightKeyType = rightKey[0].type;
  if (!sqlTypeEquals(fk.type, rightKeyType)) {
    const [a, at, b, bt] = criteria.flipped
      ? [criteria.right.text, rightKeyType, criteria.left.text, fk.type]
      : [criteria.left.text, fk.type, criteria.right.text, rightKeyType];
    throw new KsqlError(
      `Invalid join condition: types don't match. Got ${a}{${formatSqlType(at)}} = ${b}{${formatSqlType(bt)}}.`,
      join.on.pos,
    );
  }
  if (right.planned.window)
    throw new KsqlError('Foreign-key table-table joins are not supported on windowed tables.', join.pos);

  const keyColumns: Column[] = left.planned.schema.key.map((c) => ({
    ...c,
    name: `${left.alias}_${c.name}`,
  }));
  const windowed = left.planned.window !== undefined;
  const layout: JoinRowLayout = {
    leftWidth: L.columns.length,
    rightWidth: R.columns.length,
    keyWidth: keyColumns.length,
    windowed,
  };
  const schema = joinSchema(L, R, keyColumns, windowed);
  const topic = `${ctx.applicationId}-${input.options.prefix ?? ''}FkJoin`;
  // Each serde gets its own subject: with a Schema Registry format the left and right rows (and
  // keys) have different schemas, which one shared subject could not hold.
  const pkSerde = windowed
    ? undefined
    : await ctx.formats.keySerde(ctx.internalKeyFormat, left.planned.schema.key, { topic: `${topic}-Left` });
  const fkSerde = await ctx.formats.keySerde(ctx.internalKeyFormat, rightKey, { topic: `${topic}-Right` });
  const leftSerde = await ctx.formats.valueSerde(ctx.internalValueFormat, left.planned.schema.value, {
    topic: `${topic}-Left`,
  });
  const rightSerde = await ctx.formats.valueSerde(ctx.internalValueFormat, right.planned.schema.value, {
    topic: `${topic}-Right`,
  });
  const joiner = rowJoiner(layout);
  const evaluate = fk.evaluate;
  // A NULL foreign key never matches: the left join then joins NULL, the inner join drops the row.
  const foreignKey = (row: GenericRow): GenericKey | null => {
    const v = evaluate(row);
    return v === null || v === undefined ? null : [v];
  };
  const options = {
    keySerde: pkSerde as Serde<GenericKey | Windowed<GenericKey>> | undefined,
    otherKeySerde: fkSerde as Serde<GenericKey | Windowed<GenericKey>>,
    valueSerde: leftSerde,
    otherValueSerde: rightSerde,
  };
  const lt = left.planned.table;
  // ksqlDB's shouldRepartitionFKJoin: a right source whose primary key holds a STRUCT in a Schema
  // Registry format is re-serialized, so its key bytes match the foreign keys the left side sends.
  const rt = shouldRepartitionRight(right)
    ? rekeyTable(
        right.planned,
        `${input.options.prefix ?? ''}RightSourceKeyed`,
        fkSerde as Serde<GenericKey | Windowed<GenericKey>>,
        rightSerde,
      )
    : right.planned.table;
  const tj = (l: GenericRow, r: GenericRow | null) => joiner(l, r);
  const joined =
    join.type === 'LEFT' ? lt.leftJoin(rt, foreignKey, tj, options) : lt.join(rt, foreignKey, tj, options);
  const name = ctx.builder.newName('KSQL-JOIN-ROW');
  ctx.builder.addProcessor(name, () => new CompleteJoinedTableRow(layout), [joined.nodeName]);
  const table = new KTable<GenericKey | Windowed<GenericKey>, GenericRow>(
    ctx.builder,
    name,
    undefined,
    joined.keySerde,
    undefined,
  );
  const viable = left.planned.schema.key.map((c) => ({ alias: left.alias, column: c.name }));
  return {
    kind: 'TABLE',
    table,
    schema,
    window: left.planned.window,
    withPseudoColumns: true,
    sources: [
      { alias: left.alias, columns: L.columns.map((c) => c.column) },
      { alias: right.alias, columns: R.columns.map((c) => c.column) },
    ],
    joinKey: { equivalents: viable.map((v) => JSON.stringify(`${v.alias}.${v.column}`)), viable },
  };
}

function shouldRepartitionRight(right: JoinSide): boolean {
  const format = right.keyFormat?.name;
  return (
    format !== undefined &&
    INFERRING.has(format) &&
    !right.planned.sources &&
    right.planned.schema.key.some((c) => c.type.base === 'STRUCT')
  );
}
