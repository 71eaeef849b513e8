import type { FormatInfo } from '../format/format.js';
import type { WindowInfo } from '../plan/planned-stream.js';
import type { LogicalSchema } from '../schema/logical-schema.js';
import type { SourceType } from './engine-api.js';

/** A source's TIMESTAMP property: the column event time is read from, and its string format. */
export interface TimestampColumn {
  readonly column: string;
  readonly format?: string;
}

/**
 * A stream or table in the metastore (ksqlDB's DataSource): everything a query needs to read it
 * or write into it. Immutable; query links live in the metastore beside it.
 */
export interface DataSource {
  readonly name: string;
  readonly type: SourceType;
  readonly schema: LogicalSchema;
  readonly topic: string;
  readonly keyFormat: FormatInfo;
  readonly valueFormat: FormatInfo;
  /** WRAP_SINGLE_VALUE as given (undefined = the format's default). */
  readonly wrapSingleValue?: boolean;
  readonly timestamp?: TimestampColumn;
  /** Set for windowed sources (WINDOW_TYPE, or a windowed aggregation's sink). */
  readonly window?: WindowInfo;
  readonly partitions?: number;
  readonly replicas?: number;
  /** `CREATE SOURCE STREAM|TABLE`: read-only. */
  readonly isSource: boolean;
  /** Created by CREATE … AS SELECT (its query writes it). */
  readonly casTarget: boolean;
  /** The statement that created it, as written (after variable substitution). */
  readonly statement: string;
  /** ksqlDB's serde features of the key and value (`UNWRAP_SINGLES`, `WRAP_SINGLES`), as DESCRIBE and QTT show them. */
  readonly keyFeatures: readonly string[];
  readonly valueFeatures: readonly string[];
}
