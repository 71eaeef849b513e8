import type { KStream, Serde, Windowed } from '@meterstream/streams';
import type { TimestampColumn } from '../engine/data-source.js';
import { KsqlError } from '../errors.js';
import type { FormatInfo } from '../format/format.js';
import type { GenericKey, GenericRow } from '../schema/logical-schema.js';
import type { PlanContext } from './plan-context.js';
import type { PlannedStream } from './planned-stream.js';
import { windowedKeySerde } from '../format/windowed.js';

/** Where and how a query's output is written. */
export interface SinkSpec {
  readonly topic: string;
  readonly keyFormat: FormatInfo;
  readonly valueFormat: FormatInfo;
  readonly wrapSingleValue?: boolean;
  /** The sink's TIMESTAMP column: output records take their timestamp from it. */
  readonly timestamp?: TimestampColumn;
}

type AnyKey = GenericKey | Windowed<GenericKey>;

/**
 * Writes the projected rows (ksqlDB's StreamSink / TableSink): serdes of the sink formats (which
 * register their schemas), windowed keys in Kafka Streams' windowed layout, a table's deletes as
 * tombstones. A key with no columns, or only NULLs, is written as a null key.
 */
export async function planSink(input: PlannedStream, sink: SinkSpec, ctx: PlanContext): Promise<void> {
  const { schema } = input;
  const keySerde = await ctx.formats.keySerde(sink.keyFormat, schema.key, {
    topic: sink.topic,
    registerSchema: true,
  });
  const valueSerde = await ctx.formats.valueSerde(sink.valueFormat, schema.value, {
    topic: sink.topic,
    wrapSingleValue: sink.wrapSingleValue,
    registerSchema: true,
  });
  const outKeySerde = (
    input.window ? windowedKeySerde(keySerde, input.window.type === 'SESSION' ? 'SESSION' : 'TIME', input.window.sizeMs) : keySerde
  ) as Serde<AnyKey | null>;
  const stream: KStream<AnyKey, GenericRow | null> =
    input.kind === 'STREAM'
      ? (input.stream as KStream<AnyKey, GenericRow | null>)
      : (input.table.toStream() as KStream<AnyKey, GenericRow | null>);

  const tsIndex = sink.timestamp ? schema.value.findIndex((c) => c.name === sink.timestamp!.column) : -1;
  if (sink.timestamp && tsIndex < 0) {
    throw new KsqlError(
      `The TIMESTAMP column set in the WITH clause does not exist in the schema: '${sink.timestamp.column}'`,
    );
  }
  const noKey = !input.window && schema.key.length === 0;
  const rekeyed = stream.builder.newName('KSTREAM-MAP');
  stream.builder.addProcessor<
    AnyKey | null,
    GenericRow | null,
    AnyKey | null,
    GenericRow | null
  >(rekeyed, () => {
    let forward!: (r: import('@meterstream/streams').Record<AnyKey | null, GenericRow | null>) => void;
    return {
      init: (c) => {
        forward = (r) => c.forward(r);
      },
      process: (record) => {
        let r = record;
        if (noKey || isNullKey(record.key)) r = r.withKey(null);
        if (tsIndex >= 0 && record.value !== null) {
          const ts = record.value[tsIndex];
          if (typeof ts === 'number' && ts >= 0) r = r.withTimestamp(ts);
        }
        forward(r);
      },
    };
  }, [stream.nodeName]);
  const out = stream.derive<AnyKey | null, GenericRow | null>(
    rekeyed,
    false,
    outKeySerde,
    valueSerde as Serde<GenericRow | null>,
  );
  out.to(sink.topic, { keySerde: outKeySerde, valueSerde: valueSerde as Serde<GenericRow | null> });
}

function isNullKey(key: unknown): boolean {
  if (key === null || key === undefined) return true;
  if (Array.isArray(key)) return key.every((v) => v === null);
  return false;
}
