import type { KStream, Serde, Windowed } from '@meterstream/streams';
import type { TimestampColumn } from '../engine/data-source.js';
import { KsqlError } from '../errors.js';
import type { FormatInfo } from '../format/format.js';
import { compileJavaTimePattern } from '../values/java-time-format.js';
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
    input.window
      ? windowedKeySerde(keySerde, input.window.type === 'SESSION' ? 'SESSION' : 'TIME', input.window.sizeMs)
      : keySerde
  ) as Serde<AnyKey | null>;
  const stream: KStream<AnyKey, GenericRow | null> =
    input.kind === 'STREAM'
      ? (input.stream as KStream<AnyKey, GenericRow | null>)
      : (input.table.toStream() as KStream<AnyKey, GenericRow | null>);

  const ts = sink.timestamp ? sinkTimestamp(input, sink.timestamp.column, sink.timestamp.format) : undefined;
  // A single-column key that is NULL is a null record key; multi-column keys are written as they are.
  const noKey = !input.window && schema.key.length === 0;
  const singleKey = !input.window && schema.key.length === 1;
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
        if (
          noKey ||
          record.key === undefined ||
          (singleKey && (record.key as GenericKey | null)?.[0] == null)
        ) {
          r = r.withKey(null);
        }
        if (ts) {
          const t = ts(record.key, record.value);
          // ksqlDB drops (and logs) a record whose sink timestamp is negative.
          if (typeof t === 'number') {
            if (t < 0) return;
            r = r.withTimestamp(t);
          }
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

/** Reads the sink's TIMESTAMP column from the output row or, for a key column, the key. */
function sinkTimestamp(
  input: PlannedStream,
  column: string,
  format: string | undefined,
): (key: unknown, row: GenericRow | null) => unknown {
  const vi = input.schema.value.findIndex((c) => c.name === column);
  const ki = input.schema.key.findIndex((c) => c.name === column);
  if (vi < 0 && ki < 0) {
    throw new KsqlError(
      `The TIMESTAMP column set in the WITH clause does not exist in the schema: '${column}'`,
    );
  }
  const read =
    vi >= 0
      ? (_key: unknown, row: GenericRow | null) => (row === null ? null : row[vi])
      : (key: unknown) => {
          const k = (input.window ? (key as Windowed<GenericKey> | null)?.key : key) as GenericKey | null;
          return k ? k[ki] : null;
        };
  const type = (vi >= 0 ? input.schema.value[vi] : input.schema.key[ki]).type;
  if (type.base !== 'STRING' || format === undefined) return read;
  // A STRING column with TIMESTAMP_FORMAT: parsed once per record; unparsable gives -1 (dropped).
  const formatter = compileJavaTimePattern(format);
  return (key, row) => {
    const v = read(key, row);
    if (typeof v !== 'string') return v;
    try {
      return formatter.parse(v);
    } catch {
      return -1;
    }
  };
}
