import {
  type Change,
  type FlushListenable,
  type KeyValueStore,
  type KStream,
  KTable,
  NO_HEADERS,
  type Processor,
  type ProcessorContext,
  Record,
  type Serde,
  Stores,
  type TimestampExtractor,
  type ValueAndTimestamp,
  type Windowed,
  inMemoryStoreBackend,
  valueAndTimestampSerde,
} from '@meterstream/streams';
import type { DataSource } from '../engine/data-source.js';
import type { KsqlSerde } from '../format/format.js';
import type { Column, GenericKey, GenericRow } from '../schema/logical-schema.js';
import { BAD_RECORD, type BadRecord, tolerantSerde } from './bad-record.js';
import { processStreamValues, processTableValues } from './dsl-steps.js';
import type { PlanContext } from './plan-context.js';
import type { PlannedStream } from './planned-stream.js';
import { PSEUDO_COLUMN_DEFS, withPseudoAndKeyColumns } from './source-schema.js';
import { timestampExtractorFor } from './timestamp-extraction.js';
import { windowedKeySerde } from '../format/windowed.js';

type SourceKey = GenericKey | Windowed<GenericKey> | null;

// A source table's rows are stored in `<context>-Reduce` (changelog `<app>-KsqlTopic-Reduce-changelog`
// for a single source; joins: `KafkaTopic_Left-Reduce`, `KafkaTopic_Right-Reduce`).

/** Serdes a query reads one source with (the engine also uses them for prefetching schemas). */
export interface SourceSerdes {
  readonly key: KsqlSerde<GenericKey>;
  readonly value: KsqlSerde<GenericRow>;
}

/**
 * Plans reading one source (ksqlDB's StreamSource / TableSource steps): the topic with the
 * source's serdes and timestamp extractor, then each row laid out as planned-stream.ts says —
 * value columns, key columns copied, ROWTIME, ROWPARTITION, ROWOFFSET (and the window bounds).
 * Records whose key or value cannot be deserialized are dropped (ksqlDB logs and skips them).
 * A source table is materialized in `KsqlTopic-Reduce` with ROWPARTITION and ROWOFFSET stored
 * beside the row, as ksqlDB does, so later reads of the table see the offsets of the write.
 */
export async function planSource(
  source: DataSource,
  ctx: PlanContext,
  onSerdes?: (topic: string, serdes: SourceSerdes) => void,
  /** ksqlDB's query context of the source step: `KsqlTopic`, or in joins `[L_…]KafkaTopic_Left|Right`. */
  context = 'KsqlTopic',
  /** Value columns the query never reads (column-usage.ts): the format may skip decoding them. */
  unusedColumns?: ReadonlySet<string>,
): Promise<PlannedStream> {
  const keyCols = source.schema.key;
  const valueCols = source.schema.value;
  const keySerde = await ctx.formats.keySerde(source.keyFormat, keyCols, { topic: source.topic });
  const valueSerde = await ctx.formats.valueSerde(source.valueFormat, valueCols, {
    topic: source.topic,
    wrapSingleValue: source.wrapSingleValue,
    unusedColumns,
  });
  onSerdes?.(source.topic, { key: keySerde, value: valueSerde });
  const window = source.window;
  const sourceKeySerde: KsqlSerde<GenericKey | Windowed<GenericKey>> = window
    ? windowedKeySerde(keySerde, window.type === 'SESSION' ? 'SESSION' : 'TIME', window.sizeMs)
    : keySerde;
  // Skipped, and told to the host's processing log (if it listens), as ksqlDB's LoggingDeserializer.
  const logger = `processing.${ctx.queryId}.${context}.Deserializer`;
  const report =
    (target: 'key' | 'value') =>
    (error: unknown, bytes: Buffer): void =>
      ctx.processingLog?.report({ logger, topic: source.topic, target, error, bytes });
  const consumedKey = tolerantSerde(sourceKeySerde, report('key')) as Serde<SourceKey | BadRecord>;
  const consumedValue = tolerantSerde(valueSerde, report('value'));
  const extractor = timestampExtractorFor(
    source,
    ctx.properties['ksql.timestamp.throw.on.invalid'] === 'true',
  ) as TimestampExtractor<unknown, GenericRow | BadRecord> | undefined;
  const stream = ctx.builder.stream<SourceKey | BadRecord, GenericRow | BadRecord>(source.topic, {
    keySerde: consumedKey,
    valueSerde: consumedValue,
    timestampExtractor: extractor as
      | TimestampExtractor<SourceKey | BadRecord, GenericRow | BadRecord>
      | undefined,
  });
  const schema = withPseudoAndKeyColumns(source.schema, window);
  const keyCount = keyCols.length;
  const valueCount = valueCols.length;
  const keyValues = window
    ? (key: SourceKey): unknown[] => (key as Windowed<GenericKey> | null)?.key ?? nulls(keyCount)
    : (key: SourceKey): unknown[] => (key as GenericKey | null) ?? nulls(keyCount);
  const bounds = window
    ? (key: SourceKey): unknown[] => {
        const w = (key as Windowed<GenericKey> | null)?.window;
        return w ? [w.start, w.end] : [null, null];
      }
    : undefined;

  if (source.type === 'STREAM') {
    const out = processStreamValues<SourceKey | BadRecord, GenericRow | BadRecord, GenericRow | null>(
      stream,
      'KSTREAM-PROCESSVALUES',
      (value, key, record, pctx) => {
        if (value === BAD_RECORD || key === BAD_RECORD) return undefined;
        if (value === null) return null;
        const meta = pctx.recordMetadata();
        return layoutRow(
          value,
          valueCount,
          keyValues(key),
          record.timestamp,
          meta?.partition ?? 0,
          meta?.offset ?? 0,
          bounds?.(key),
        );
      },
    );
    return {
      kind: 'STREAM',
      schema,
      window,
      withPseudoColumns: true,
      stream: out as unknown as KStream<GenericKey | Windowed<GenericKey>, GenericRow>,
    };
  }

  // TABLE: rows are kept with ROWPARTITION and ROWOFFSET in the store (ksqlDB's materialized
  // schema), then ROWTIME and the key columns are added for the query.
  const materializedCols: Column[] = [...valueCols, ...PSEUDO_COLUMN_DEFS.slice(1)];
  const storeSerde = window
    ? undefined
    : await ctx.formats.valueSerde(ctx.internalValueFormat, materializedCols, {
        topic: `${ctx.applicationId}-${context}-Reduce-changelog`,
        registerSchema: true,
      });
  // The store's keys are written to its changelog under that topic's own subject, in the source's
  // key format without a schema id: a registry format must not serialize them as the source topic
  // (whose subject may hold another schema — ksqlDB's "different schemas" cases crashed on it).
  const storeKeySerde = storeSerde
    ? await ctx.formats.keySerde(
        { name: source.keyFormat.name, properties: withoutSchemaId(source.keyFormat.properties) },
        keyCols,
        { topic: `${ctx.applicationId}-${context}-Reduce-changelog`, registerSchema: true },
      )
    : keySerde;
  const b = ctx.builder;
  const tableNode = b.newName('KTABLE-SOURCE');
  let storeName: string | undefined;
  if (storeSerde) {
    storeName = `${context}-Reduce`;
    const backend = b.options.storeBackend ?? inMemoryStoreBackend;
    b.addStateStore(
      Stores.keyValueStoreBuilder(
        backend.keyValue(storeName),
        storeKeySerde,
        valueAndTimestampSerde(storeSerde),
      )
        .withCachingEnabled()
        .withLoggingEnabled(),
    );
  }
  const store = storeName;
  b.addProcessor<SourceKey | BadRecord, GenericRow | BadRecord, SourceKey, Change<GenericRow>>(
    tableNode,
    () => new SourceTableProcessor(store),
    [stream.nodeName],
    store ? [store] : [],
  );
  const materialized = new KTable<SourceKey, GenericRow>(b, tableNode, undefined, sourceKeySerde, undefined);
  const table = processTableValues<SourceKey, GenericRow, GenericRow>(
    materialized,
    'KTABLE-TRANSFORMVALUES',
    (value, key, record) => {
      // Stored rows end with ROWPARTITION and ROWOFFSET (see SourceTableProcessor).
      return layoutRow(
        value,
        valueCount,
        keyValues(key),
        record.timestamp,
        value[valueCount],
        value[valueCount + 1],
        bounds?.(key),
      );
    },
  );
  return {
    kind: 'TABLE',
    schema,
    window,
    withPseudoColumns: true,
    table: table as unknown as KTable<GenericKey | Windowed<GenericKey>, GenericRow>,
  };
}

/**
 * One row in the planned-stream.ts layout, allocated once at its final size (the hot path of every
 * source): value columns, key columns, ROWTIME, ROWPARTITION, ROWOFFSET, then the window bounds.
 */
function layoutRow(
  value: GenericRow,
  valueCount: number,
  key: readonly unknown[],
  rowtime: number,
  partition: unknown,
  offset: unknown,
  windowBounds: readonly unknown[] | undefined,
): GenericRow {
  const keyCount = key.length;
  const row = new Array<unknown>(valueCount + keyCount + 3 + (windowBounds ? 2 : 0));
  for (let i = 0; i < valueCount; i++) row[i] = value[i] ?? null;
  let at = valueCount;
  for (let i = 0; i < keyCount; i++) row[at++] = key[i] ?? null;
  row[at++] = rowtime;
  row[at++] = partition;
  row[at++] = offset;
  if (windowBounds) {
    row[at++] = windowBounds[0];
    row[at] = windowBounds[1];
  }
  return row;
}

function nulls(n: number): unknown[] {
  return new Array<unknown>(n).fill(null);
}

/**
 * Kafka Streams' KTableSource for ksqlDB source tables: a null key is skipped, a null value
 * deletes; rows are stored with ROWPARTITION and ROWOFFSET appended. Updates go downstream as
 * Change(new, old) — through the store's cache when it has one (one update per key per commit).
 */
class SourceTableProcessor
  implements Processor<SourceKey | BadRecord, GenericRow | BadRecord, SourceKey, Change<GenericRow>>
{
  private ctx!: ProcessorContext<SourceKey, Change<GenericRow>>;
  private store: KeyValueStore<GenericKey, ValueAndTimestamp<GenericRow>> | undefined;
  private cached = false;

  constructor(private readonly storeName: string | undefined) {}

  init(context: ProcessorContext<SourceKey, Change<GenericRow>>): void {
    this.ctx = context;
    if (!this.storeName) return;
    this.store = context.getStateStore(this.storeName);
    const listenable = this.store as unknown as Partial<
      FlushListenable<GenericKey, ValueAndTimestamp<GenericRow>>
    >;
    this.cached =
      typeof listenable.setFlushListener === 'function' &&
      listenable.setFlushListener((c) => {
        const n = c.newValue ?? null;
        const o = c.oldValue ?? null;
        if (n === null && o === null) return;
        const ts = n ? n.timestamp : c.context.timestamp;
        this.ctx.forward(
          new Record(c.key, { newValue: n?.value ?? null, oldValue: o?.value ?? null }, ts, NO_HEADERS),
        );
      }, true);
  }

  process(record: Record<SourceKey | BadRecord, GenericRow | BadRecord>): void {
    const { key, value } = record;
    if (key === BAD_RECORD || value === BAD_RECORD) return;
    if (key === null || key === undefined) {
      this.ctx.metrics.nullKeyOrValueSkips++;
      return;
    }
    let row: GenericRow | null = null;
    if (value !== null) {
      const meta = this.ctx.recordMetadata();
      const n = value.length;
      row = new Array<unknown>(n + 2);
      for (let i = 0; i < n; i++) row[i] = value[i];
      row[n] = meta?.partition ?? 0;
      row[n + 1] = meta?.offset ?? 0;
    }
    if (!this.store) {
      this.ctx.forward(record.withKey(key).withValue({ newValue: row, oldValue: null }));
      return;
    }
    const k = key as GenericKey;
    const old = this.store.get(k);
    this.store.put(k, row === null ? null : { value: row, timestamp: record.timestamp });
    if (!this.cached) {
      this.ctx.forward(record.withKey(key).withValue({ newValue: row, oldValue: old ? old.value : null }));
    }
  }
}

/** Format properties without a schema id (`schemaId`, `KEY_SCHEMA_ID`): internal topics derive their own. */
function withoutSchemaId(properties: { readonly [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(properties).filter(([k]) => !/schema_?id$/i.test(k)));
}
