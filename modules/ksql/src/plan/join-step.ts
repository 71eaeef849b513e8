import { JoinWindows, type KStream, KTable, type Serde, type Windowed } from '@meterstream/streams';
import { checkKeyTypes } from './key-types.js';
import { KsqlError } from '../errors.js';
import type { FormatInfo } from '../format/format.js';
import { windowedKeySerde } from '../format/windowed.js';
import type { FunctionRegistry } from '../function/function-types.js';
import { durationMs, type JoinClause, type JoinType, type SelectItem } from '../parser/ast.js';
import type { Column, GenericKey, GenericRow } from '../schema/logical-schema.js';
import { formatSqlType, type SqlType, sqlTypeEquals } from '../types/sql-type.js';
import { sideColumns } from './join-columns.js';
import { analyseCriteria, type JoinCriteria, type JoinOperand } from './join-criteria.js';
import { planForeignKeyJoin } from './join-foreign-key.js';
import { resolveJoinKeyFormats } from './join-key-format.js';
import { joinKeyInfo, keyColumnName } from './join-key-name.js';
import { sideNodeCount, streamJoinNames } from './join-node-names.js';
import { joinSchema } from './join-schema.js';
import { compileOperand, rekeyStream, rekeyTable } from './join-rekey.js';
import {
  CompleteJoinedStreamRow,
  CompleteJoinedTableRow,
  type JoinRowLayout,
  rowJoiner,
} from './join-row.js';
import type { PlanContext } from './plan-context.js';
import type { PlannedStream } from './planned-stream.js';

export interface JoinSide {
  /** The source's alias (its name when none was written). */
  readonly alias: string;
  readonly planned: PlannedStream;
  /** The source's name, for ksqlDB's messages that print it (`Got T [INNER] JOIN S.`); default: alias. */
  readonly sourceName?: string;
  /**
   * Partition count of the side's topic (for a joined side: of its last right source, as ksqlDB's
   * JoinNode reports). When both are known and differ, the join fails as in ksqlDB.
   */
  readonly partitions?: number;
  /** A plain source's key format (a joined side's is on `planned.keyFormat`). */
  readonly keyFormat?: FormatInfo;
  /** The key formats of all the side's sources, FROM order; default: `[keyFormat]`. */
  readonly sourceKeyFormats?: readonly FormatInfo[];
}

export interface JoinPlanOptions {
  /** The query's SELECT items: the join key is named after the first viable key column they select. */
  readonly select?: readonly SelectItem[];
  /**
   * Prefix of this join's internal names in a chain (ksqlDB: '' for the last join, 'L_' for the
   * one before, 'L_L_'…): repartition topics `<prefix>Join-left|right-repartition`.
   */
  readonly prefix?: string;
  /**
   * ksqlDB's Kafka Streams node counter where this join's left source starts (when that is a plain
   * source): see join-node-names.ts; default 0.
   */
  readonly nodeIndexStart?: number;
}

/** ksqlDB's JoinType.toString, as its messages print join types. */
const JOIN_TYPE_TEXT: Record<JoinType, string> = {
  INNER: '[INNER] JOIN',
  LEFT: 'LEFT [OUTER] JOIN',
  RIGHT: 'RIGHT [OUTER] JOIN',
  FULL: '[FULL] OUTER JOIN',
};

/** The `prefix` option for join `index` (0-based, in FROM order) of a chain of `count` joins. */
export function joinPrefix(index: number, count: number): string {
  return 'L_'.repeat(count - 1 - index);
}

/**
 * Plans one join of a left-deep join chain: stream–stream (WITHIN), stream–table, table–table
 * (primary-key and foreign-key). Both sides arrive with pseudo-columns; the result's value columns
 * are every input column renamed `<ALIAS>_<COLUMN>` (ksqlDB's join schema), then the key and
 * pseudo-columns of the result, and `sources` on the result records which alias owns which columns
 * so `alias.col` and unambiguous `col` resolve.
 */
export async function planJoin(
  left: JoinSide,
  right: JoinSide,
  join: JoinClause,
  ctx: PlanContext,
  options: JoinPlanOptions = {},
): Promise<PlannedStream> {
  if (!left.planned.sources && left.sourceName !== undefined && left.sourceName === right.sourceName) {
    throw new KsqlError(
      `Can not join '${left.sourceName}' to '${right.sourceName}': self joins are not yet supported.`,
      join.pos,
    );
  }
  const L = sideColumns(left.alias, left.planned);
  const R = sideColumns(right.alias, right.planned);
  const criteria = analyseCriteria(join, L, R, right.alias);
  const lk = left.planned.kind;
  const rk = right.planned.kind;
  // ksqlDB's JoinInfo names the source the left ON operand references: for an earlier join's
  // result that is one of its sources (by alias: the names of a chain's sources are not at hand).
  const leftOperandOwner = criteria.left.refs.values().next().value?.owner;
  const leftName = left.planned.sources ? (leftOperandOwner ?? left.alias) : (left.sourceName ?? left.alias);
  const describe = () => `${leftName} ${JOIN_TYPE_TEXT[join.type]} ${right.sourceName ?? right.alias}`;
  const got = () => {
    const [a, b] = criteria.flipped ? [criteria.right, criteria.left] : [criteria.left, criteria.right];
    return `${a.text} = ${b.text}`;
  };

  checkWindowing(left, right, join);
  if (ctx.internalValueFormat.name === 'KAFKA') {
    throw new KsqlError(
      `Source(s) ${[...L.aliases, ...R.aliases].join(', ')} are using the 'KAFKA' value format. This format does not yet support JOIN.`,
      join.pos,
    );
  }
  if (lk === 'TABLE' && rk === 'STREAM') {
    throw new KsqlError(
      `Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${describe()}.`,
      join.pos,
    );
  }
  if (lk === 'STREAM' && rk === 'STREAM' && !join.within) {
    throw new KsqlError(
      'Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to ' +
        'specify a WITHIN clause with a stream-stream join, please visit: ' +
        'https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select',
      join.pos,
    );
  }
  if (rk === 'TABLE' && join.within) {
    const which = lk === 'STREAM' ? 'Stream-Table' : 'Table-Table';
    const tail =
      lk === 'STREAM'
        ? 'ie. the WITHIN clause) and try to execute your join again.'
        : 'i.e. the WITHIN clause) and try to execute your Table-Table join again.';
    throw new KsqlError(
      `A window definition was provided for a ${which} join. These joins are not windowed. Please drop the window definition (${tail}`,
      join.within.pos ?? join.pos,
    );
  }

  const rightKeyed = isKeyedBy(right.planned, criteria.right);
  const leftKeyed = isKeyedBy(left.planned, criteria.left);
  if (lk === 'STREAM' && rk === 'TABLE') {
    if (join.type === 'FULL' || join.type === 'RIGHT') {
      const what = join.type === 'FULL' ? 'full-outer' : 'right-outer';
      throw new KsqlError(
        `Invalid join type: ${what} join not supported for stream-table join. Got ${describe()}.`,
        join.pos,
      );
    }
    if (!rightKeyed) {
      throw new KsqlError(
        `Invalid join condition: stream-table joins require to join on the table's primary key. Got ${got()}.`,
        join.on.pos,
      );
    }
  }
  if (lk === 'TABLE' && rk === 'TABLE') {
    if (!rightKeyed) {
      throw new KsqlError(
        `Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${got()}.`,
        join.on.pos,
      );
    }
    if (!leftKeyed) {
      return planForeignKeyJoin({ left, right, join, ctx, L, R, criteria, describe, got, options });
    }
  }

  const leftType = operandType(criteria.left, ctx.functions);
  const rightType = operandType(criteria.right, ctx.functions);
  checkTypes(criteria, leftType, rightType);
  if (
    left.partitions !== undefined &&
    right.partitions !== undefined &&
    left.partitions !== right.partitions
  ) {
    const a = `\`${L.aliases[0]}\``;
    const b = `\`${right.alias}\``;
    throw new KsqlError(
      `Can't join ${a} with ${b} since the number of partitions don't match. ${a} partitions = ${left.partitions}; ` +
        `${b} partitions = ${right.partitions}. Please repartition either one so that the number of partitions match.`,
      join.pos,
    );
  }

  const prefix = options.prefix ?? '';
  const info = joinKeyInfo(criteria, join.type === 'FULL', left.planned.joinKey);
  const keyName = keyColumnName(info, options.select, L, R);
  const keyColumns: Column[] = [{ name: keyName, type: leftType, namespace: 'KEY' }];
  const windowed = left.planned.window !== undefined;
  const keyedSide = (side: JoinSide, keyed: boolean) => {
    const format = side.keyFormat ?? side.planned.keyFormat;
    return {
      format,
      window: side.planned.window,
      rekey: !keyed,
      joined: side.planned.sources !== undefined,
      sourceFormats: side.sourceKeyFormats ?? (format ? [format] : []),
    };
  };
  const formats = resolveJoinKeyFormats(
    keyedSide(left, leftKeyed),
    keyedSide(right, rightKeyed),
    ctx.properties,
  );
  // ksqlDB (SchemaKStream.selectKey) repartitions a windowed source only to re-serialize its key
  // for schema inference; re-keying it or changing its key format is refused.
  for (const [side, forced] of [
    [left, formats.forceLeft],
    [right, formats.forceRight],
  ] as const) {
    if (forced && side.planned.window && !formats.inference) throw implicitWindowedRepartition(join);
  }
  const layout: JoinRowLayout = {
    leftWidth: L.columns.length,
    rightWidth: R.columns.length,
    keyWidth: 1,
    windowed,
  };
  const schema = joinSchema(L, R, keyColumns, windowed);
  // ksqlDB's GenericKeySerDe refuses map keys when the join's key serde is built.
  checkKeyTypes(keyColumns);
  const plainKeySerde = await ctx.formats.keySerde(formats.format, keyColumns, {
    topic: `${ctx.applicationId}-${prefix}Join`,
  });
  const window = left.planned.window;
  const keySerde = (
    window
      ? windowedKeySerde(plainKeySerde, window.type === 'SESSION' ? 'SESSION' : 'TIME', window.sizeMs)
      : plainKeySerde
  ) as Serde<GenericKey | Windowed<GenericKey>>;
  const rowSerde = (planned: PlannedStream, side: string) =>
    ctx.formats.valueSerde(ctx.internalValueFormat, planned.schema.value, {
      topic: `${ctx.applicationId}-${prefix}Join-${side}`,
    });
  const leftSerde = await rowSerde(left.planned, 'left');
  const rightSerde = await rowSerde(right.planned, 'right');
  const joiner = rowJoiner(layout);
  const base = {
    schema,
    window: left.planned.window,
    withPseudoColumns: true,
    sources: [
      ...(left.planned.sources ?? [{ alias: left.alias, columns: L.columns.map((c) => c.column) }]),
      { alias: right.alias, columns: R.columns.map((c) => c.column) },
    ],
    joinKey: info,
    keyFormat: formats.format,
  };
  const leftRepartitioned = !leftKeyed || formats.forceLeft;
  const rightRepartitioned = !rightKeyed || formats.forceRight;

  if (left.planned.kind === 'STREAM') {
    // A side not keyed by its operand is re-keyed through a repartition topic; one keyed by it but
    // in another key format (or a schema-inferring one) is only re-serialized through one.
    const prepare = (
      side: JoinSide,
      serde: Serde<GenericRow>,
      operand: JoinOperand,
      keyed: boolean,
      force: boolean,
      name: string,
    ) => {
      if (!keyed) return rekeyStream(side.planned, operand, plainKeySerde, serde, name, ctx.functions);
      if (side.planned.kind !== 'STREAM') throw new Error('unreachable: stream side expected');
      return force
        ? side.planned.stream.repartition({ name, keySerde, valueSerde: serde })
        : side.planned.stream;
    };
    const stream = prepare(
      left,
      leftSerde,
      criteria.left,
      leftKeyed,
      formats.forceLeft,
      `${prefix}Join${rk === 'STREAM' ? '-left' : ''}`,
    );
    let joined: KStream<GenericKey | Windowed<GenericKey>, GenericRow>;
    let ksqlNodeIndex: number | undefined;
    if (right.planned.kind === 'STREAM') {
      const other = prepare(
        right,
        rightSerde,
        criteria.right,
        rightKeyed,
        formats.forceRight,
        `${prefix}Join-right`,
      );
      const leftAfter = sideNodeCount(
        left.planned.sources ? left.planned.ksqlNodeIndex : (options.nodeIndexStart ?? 0),
        !left.planned.sources,
        leftRepartitioned,
      );
      const rightAfter = sideNodeCount(leftAfter, true, rightRepartitioned);
      const names =
        rightAfter === undefined
          ? undefined
          : streamJoinNames(rightAfter, Number(leftRepartitioned) + Number(rightRepartitioned), join.type);
      ksqlNodeIndex = names?.after;
      joined = streamStreamJoin(stream, other, join, joiner, {
        keySerde,
        leftSerde,
        rightSerde,
        name: `${prefix}Join`,
        storeNames: names?.stores,
      });
    } else {
      const table = formats.forceRight
        ? rekeyTable(right.planned, `${prefix}RightSourceKeyed`, keySerde, rightSerde)
        : right.planned.table;
      table.materialize({ keySerde, valueSerde: rightSerde });
      const named = { name: `${prefix}Join`, keySerde, valueSerde: leftSerde };
      joined =
        join.type === 'LEFT'
          ? stream.leftJoin(table, (s: GenericRow, t: GenericRow | null) => joiner(s, t), named)
          : stream.join(table, (s: GenericRow, t: GenericRow) => joiner(s, t), named);
    }
    const name = ctx.builder.newName('KSQL-JOIN-ROW');
    ctx.builder.addProcessor(name, () => new CompleteJoinedStreamRow(layout), [joined.nodeName]);
    return { ...base, kind: 'STREAM', stream: joined.derive(name, false), ksqlNodeIndex };
  }

  if (right.planned.kind !== 'TABLE') throw new Error('unreachable: table-stream join');
  const lt = formats.forceLeft
    ? rekeyTable(left.planned, `${prefix}LeftSourceKeyed`, keySerde, leftSerde)
    : left.planned.table;
  const rt = formats.forceRight
    ? rekeyTable(right.planned, `${prefix}RightSourceKeyed`, keySerde, rightSerde)
    : right.planned.table;
  lt.materialize({ keySerde, valueSerde: leftSerde });
  rt.materialize({ keySerde, valueSerde: rightSerde });
  const tj = (l: GenericRow | null, r: GenericRow | null) => joiner(l, r);
  const joinedTable =
    join.type === 'INNER'
      ? lt.join(rt, tj)
      : join.type === 'LEFT'
        ? lt.leftJoin(rt, tj)
        : join.type === 'RIGHT'
          ? lt.rightJoin(rt, tj)
          : lt.outerJoin(rt, tj);
  const name = ctx.builder.newName('KSQL-JOIN-ROW');
  ctx.builder.addProcessor(name, () => new CompleteJoinedTableRow(layout), [joinedTable.nodeName]);
  const table = new KTable<GenericKey | Windowed<GenericKey>, GenericRow>(
    ctx.builder,
    name,
    undefined,
    joinedTable.keySerde,
    undefined,
  );
  return { ...base, kind: 'TABLE', table };
}

function streamStreamJoin(
  left: KStream<GenericKey | Windowed<GenericKey>, GenericRow>,
  right: KStream<GenericKey | Windowed<GenericKey>, GenericRow>,
  join: JoinClause,
  joiner: (l: GenericRow | null, r: GenericRow | null) => GenericRow,
  serdes: {
    keySerde: Serde<GenericKey | Windowed<GenericKey>>;
    leftSerde: Serde<GenericRow>;
    rightSerde: Serde<GenericRow>;
    name: string;
    storeNames: { this: string; other: string; outer: string } | undefined;
  },
): KStream<GenericKey | Windowed<GenericKey>, GenericRow> {
  const within = join.within!;
  const before = durationMs(within.before);
  const after = durationMs(within.after);
  // ksqlDB (StreamStreamJoinBuilder): with GRACE PERIOD the 3.x windows (left/outer results once the
  // window closes); without, Kafka's deprecated JoinWindows.of (24 h grace, eager results).
  const windowsFor = (b: number, a: number) =>
    (within.grace ? JoinWindows.ofTimeDifferenceAndGrace(b, durationMs(within.grace)) : JoinWindows.of(b))
      .before(b)
      .after(a);
  const ks = serdes.keySerde;
  const joined = {
    keySerde: ks,
    valueSerde: serdes.leftSerde,
    otherValueSerde: serdes.rightSerde,
    name: serdes.name,
    storeNames: serdes.storeNames,
  };
  switch (join.type) {
    case 'INNER':
      return left.join(
        right,
        (l: GenericRow, r: GenericRow) => joiner(l, r),
        windowsFor(before, after),
        joined,
      );
    case 'LEFT':
      return left.leftJoin(
        right,
        (l: GenericRow, r: GenericRow | null) => joiner(l, r),
        windowsFor(before, after),
        joined,
      );
    case 'FULL':
      return left.outerJoin(
        right,
        (l: GenericRow | null, r: GenericRow | null) => joiner(l, r),
        windowsFor(before, after),
        joined,
      );
    case 'RIGHT':
      // ksqlDB plans a right join as right.leftJoin(left); the window is mirrored to stay the same.
      return right.leftJoin(
        left,
        (r: GenericRow, l: GenericRow | null) => joiner(l, r),
        windowsFor(after, before),
        {
          keySerde: ks,
          valueSerde: serdes.rightSerde,
          otherValueSerde: serdes.leftSerde,
          name: serdes.name,
          storeNames: serdes.storeNames,
        },
      );
  }
}

function implicitWindowedRepartition(join: JoinClause): KsqlError {
  return new KsqlError(
    'Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.',
    join.pos,
  );
}

/** Whether the side's key already equals the operand (then no repartition is needed). */
function isKeyedBy(planned: PlannedStream, operand: JoinOperand): boolean {
  if (planned.schema.key.length !== 1) return false;
  // An earlier join's key equals each expression of its equivalence set (ksqlDB's joinEquivalenceSet).
  if (planned.sources) return planned.joinKey?.equivalents.includes(operand.canonical) ?? false;
  return operand.column !== undefined && operand.column.column === planned.schema.key[0].name;
}

export function operandType(operand: JoinOperand, functions: FunctionRegistry): SqlType {
  if (operand.column) return operand.column.type;
  return compileOperand(operand, functions).type;
}

function checkTypes(criteria: JoinCriteria, leftType: SqlType, rightType: SqlType): void {
  if (sqlTypeEquals(leftType, rightType)) return;
  const [a, at, b, bt] = criteria.flipped
    ? [criteria.right.text, rightType, criteria.left.text, leftType]
    : [criteria.left.text, leftType, criteria.right.text, rightType];
  throw new KsqlError(
    `Invalid join condition: types don't match. Got ${a}{${formatSqlType(at)}} = ${b}{${formatSqlType(bt)}}.`,
  );
}

/** ksqlDB's Analyzer.throwOnIncompatibleSourceWindowing. */
function checkWindowing(left: JoinSide, right: JoinSide, join: JoinClause): void {
  const lw = left.planned.window?.type;
  const rw = right.planned.window?.type;
  if ((lw === undefined) !== (rw === undefined)) {
    throw new KsqlError(
      `Can not join windowed source to non-windowed source.\n\`${left.alias}\` is ${lw ?? 'not'} windowed\n\`${right.alias}\` is ${rw ?? 'not'} windowed`,
      join.pos,
    );
  }
  if (lw === undefined || rw === undefined) return;
  const compatible = lw === 'SESSION' ? rw === 'SESSION' : rw !== 'SESSION';
  if (!compatible) {
    throw new KsqlError(
      `Incompatible windowed sources.\nLeft source: ${lw}\nRight source: ${rw}\n` +
        'Session windowed sources can only be joined to other session windowed sources, and may still not result in ' +
        'expected behaviour as session bounds must be an exact match for the join to work\n' +
        'Hopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources',
      join.pos,
    );
  }
}
