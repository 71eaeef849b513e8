import type { KStream, KTable, Serde, Windowed } from '@meterstream/streams';
import { KsqlError } from '../errors.js';
import { compileExpression } from '../expr/compile.js';
import type { ColumnScope, CompiledExpression } from '../expr/compiled.js';
import type { FunctionRegistry } from '../function/function-types.js';
import type { GenericKey, GenericRow } from '../schema/logical-schema.js';
import type { JoinOperand } from './join-criteria.js';
import type { PlannedStream } from './planned-stream.js';

/** The side's columns an operand references, as the expression compiler's scope (resolved by identity). */
export function operandScope(operand: JoinOperand): ColumnScope {
  return {
    resolve(ref) {
      const c = operand.refs.get(ref);
      return c ? { index: c.index, type: c.type, name: `${c.owner}_${c.column}` } : undefined;
    },
  };
}

/**
 * Compiles a join operand against its side's row, once at plan time: a column reference reads its
 * slot; any other expression (`ABS(R.A)`, `S.B->C`) goes through the expression compiler.
 */
export function compileOperand(operand: JoinOperand, functions: FunctionRegistry): CompiledExpression {
  const column = operand.column;
  if (column) {
    const index = column.index;
    return { type: column.type, evaluate: (row) => row[index] };
  }
  return compileExpression(operand.expression, operandScope(operand), functions, { clause: 'JOIN ON' });
}

/**
 * Re-keys a stream by its join operand and repartitions it (ksqlDB's PreJoinRepartitionNode, whose
 * PartitionBy feeds `<applicationId>-<name>-repartition`). Rows whose join key is NULL are dropped
 * before the topic, as ksqlDB's repartition filter does: they can never join.
 */
export function rekeyStream(
  planned: PlannedStream,
  operand: JoinOperand,
  keySerde: Serde<GenericKey> | undefined,
  valueSerde: Serde<GenericRow>,
  name: string,
  functions: FunctionRegistry,
): KStream<GenericKey | Windowed<GenericKey>, GenericRow> {
  if (planned.kind !== 'STREAM') throw new Error('only streams are re-keyed for a join');
  if (planned.window) {
    throw new KsqlError(
      'Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.',
      operand.expression.pos,
    );
  }
  const key = compileOperand(operand, functions).evaluate;
  const rekeyed: KStream<GenericKey, GenericRow> = planned.stream.selectKey<GenericKey>(
    (_k, row: GenericRow) => (row === null ? [null] : [key(row) ?? null]),
  );
  const out = rekeyed.filter((k) => k[0] !== null).repartition({ name, keySerde, valueSerde });
  // KStream is invariant in its key type; a plain key is one of the planned stream's key shapes.
  return out as unknown as KStream<GenericKey | Windowed<GenericKey>, GenericRow>;
}

/**
 * Re-serializes a table's key into the join's key format (ksqlDB's TableSelectKey on the same key:
 * `<name>-SelectKey` through `<name>-SelectKey-repartition`, stored in `<name>-Materialize`).
 */
export function rekeyTable(
  planned: PlannedStream,
  name: string,
  keySerde: Serde<GenericKey | Windowed<GenericKey>>,
  valueSerde: Serde<GenericRow>,
): KTable<GenericKey | Windowed<GenericKey>, GenericRow> {
  if (planned.kind !== 'TABLE') throw new Error('only tables are re-keyed as tables');
  return planned.table
    .toStream()
    .selectKey((k) => k)
    .toTable({ name: `${name}-SelectKey` }, { storeName: `${name}-Materialize`, keySerde, valueSerde });
}
