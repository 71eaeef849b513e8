import type { KStream, KTable, Windowed } from '@meterstream/streams';
import type { FormatInfo } from '../format/format.js';
import type { GenericKey, GenericRow, LogicalSchema } from '../schema/logical-schema.js';

/**
 * What one planning step hands the next (ksqlDB's SchemaKStream / SchemaKTable).
 *
 * Row layout inside a query — the convention every step follows (ksqlDB's
 * `withPseudoAndKeyColsInValue`): right after the source, each GenericRow is
 *     [...value columns, ...key columns (copied), ROWTIME, ROWPARTITION, ROWOFFSET]
 * and, for a windowed source, WINDOWSTART and WINDOWEND after those. `schema.value` lists exactly
 * those columns in that order (pseudo-columns with their names and types: ROWTIME BIGINT,
 * ROWPARTITION INTEGER, ROWOFFSET BIGINT, WINDOWSTART/WINDOWEND BIGINT), so expressions compile
 * against `schema.value` alone. A projection (SELECT) then produces rows of exactly the output's
 * value columns, and `schema` describes the sink.
 */
export type WindowKind = 'TUMBLING' | 'HOPPING' | 'SESSION';

export interface WindowInfo {
  readonly type: WindowKind;
  /** Window size in ms (TUMBLING / HOPPING); absent for SESSION. */
  readonly sizeMs?: number;
}

interface PlannedBase {
  readonly schema: LogicalSchema;
  /** Set when keys are windowed (Windowed<GenericKey>). */
  readonly window?: WindowInfo;
  /** Whether `schema.value` already carries the key and pseudo-columns (true after the source step). */
  readonly withPseudoColumns: boolean;
  /**
   * After a join: which alias owns which columns. Column `c` of source alias `A` is named `A_C` in
   * `schema.value`; `A.c` resolves to it, and a bare `c` when exactly one source has it.
   */
  readonly sources?: readonly { readonly alias: string; readonly columns: readonly string[] }[];
  /**
   * After a join (added by the join step): what the result's key is equivalent to, so a later
   * join of a join chain knows whether it must repartition (ksqlDB's join equivalence set) and
   * which source columns may name its key (viable key columns).
   */
  readonly joinKey?: JoinKeyInfo;
  /**
   * After a join: the key format it resolved (ksqlDB's KLIP-33: the left side's unless that side
   * is re-keyed, …) — the format of its internal topics, and of a CREATE … AS SELECT's key when
   * no KEY_FORMAT is given.
   */
  readonly keyFormat?: FormatInfo;
  /**
   * After a join: the Kafka Streams node counter ksqlDB's topology has reached there, so a later
   * stream–stream join of the chain names its stores as ksqlDB does; undefined when unknown.
   */
  readonly ksqlNodeIndex?: number;
}

export interface JoinKeyInfo {
  /** Canonical forms of the ON expressions the key equals (`ALIAS.COL` for column references). */
  readonly equivalents: readonly string[];
  /** Source columns equal to the key, in ksqlDB's order; empty for FULL OUTER joins. */
  readonly viable: readonly { readonly alias: string; readonly column: string }[];
}

export type PlannedStream =
  | (PlannedBase & {
      readonly kind: 'STREAM';
      readonly stream: KStream<GenericKey | Windowed<GenericKey>, GenericRow>;
    })
  | (PlannedBase & {
      readonly kind: 'TABLE';
      readonly table: KTable<GenericKey | Windowed<GenericKey>, GenericRow>;
    });
