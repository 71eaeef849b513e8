import type { StreamsBuilder } from '@meterstream/streams';
import type { Formats, FormatInfo } from '../format/format.js';
import type { ProcessingLogChannel } from '../engine/processing-log.js';
import type { FunctionRegistry } from '../function/function-types.js';

/** What every planning step of one persistent query shares. */
export interface PlanContext {
  readonly builder: StreamsBuilder;
  /** The query id (`CSAS_OUT_0`); internal topics are `<applicationId>-<name>-repartition|changelog`. */
  readonly queryId: string;
  readonly applicationId: string;
  readonly functions: FunctionRegistry;
  readonly formats: Formats;
  /** Effective properties (SET / request overrides over the engine's). */
  readonly properties: Readonly<Record<string, string>>;
  /**
   * Formats of internal topics (repartition, changelog) and state stores — ksqlDB uses the
   * source's key format and value format there.
   */
  readonly internalKeyFormat: FormatInfo;
  readonly internalValueFormat: FormatInfo;
  /** The sink's name for a persistent query (`OUTPUT` of CREATE TABLE OUTPUT AS …), for messages. */
  readonly sinkName?: string;
  /** Where source records that do not deserialize are reported (the query's processing log). */
  readonly processingLog?: ProcessingLogChannel;
}
