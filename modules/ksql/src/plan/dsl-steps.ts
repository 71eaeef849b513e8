import {
  type Change,
  KStream,
  KTable,
  type Processor,
  type ProcessorContext,
  type Record,
  type Serde,
} from '@meterstream/streams';

/**
 * The few DSL operations ksqlDB's plan needs and our DSL lacks as such: value transforms that see
 * the record (timestamp, partition, offset) for streams and tables, and record-level re-keying.
 * They add processor nodes through the builder exactly as the DSL's own operations do, so the
 * result chains with the rest of the DSL (joins, grouping, toStream, to).
 */

/** `(value, key, record, ctx) → new value`; `undefined` drops the record (streams only). */
export type RecordValueMapper<K, V, V2> = (
  value: V,
  key: K,
  record: Record<K, V>,
  ctx: ProcessorContext<K, V2>,
) => V2 | undefined;

/** KStream.processValues: a value transform with access to the record and its metadata. */
export function processStreamValues<K, V, V2>(
  stream: KStream<K, V>,
  prefix: string,
  mapper: RecordValueMapper<K, V, V2>,
  name?: string,
): KStream<K, V2> {
  const b = stream.builder;
  const node = name ?? b.newName(prefix);
  b.addProcessor<K, V, K, V2>(node, (): Processor<K, V, K, V2> => {
    let ctx!: ProcessorContext<K, V2>;
    return {
      init: (c) => {
        ctx = c;
      },
      process: (record) => {
        const out = mapper(record.value, record.key, record, ctx);
        if (out !== undefined) ctx.forward(record.withValue(out));
      },
    };
  }, [stream.nodeName]);
  return new KStream<K, V2>(b, node, stream.repartitionRequired, stream.keySerde, undefined);
}

/** KStream.filter with a processor name of our choosing (ksqlDB names it `WhereFilter`). */
export function filterStream<K, V>(
  stream: KStream<K, V>,
  name: string,
  keep: (value: V, key: K) => boolean,
): KStream<K, V> {
  return processStreamValues<K, V, V>(stream, 'KSTREAM-FILTER', (v, k) => (keep(v, k) ? v : undefined), name);
}

/** Re-keys a stream from the whole record (selectKey with the value's evaluated key expressions). */
export function selectStreamKey<K, V, K2>(
  stream: KStream<K, V>,
  name: string,
  keyOf: (value: V, key: K) => K2,
  keySerde?: Serde<K2>,
): KStream<K2, V> {
  const b = stream.builder;
  b.addProcessor<K, V, K2, V>(name, (): Processor<K, V, K2, V> => {
    let ctx!: ProcessorContext<K2, V>;
    return {
      init: (c) => {
        ctx = c;
      },
      process: (record) => ctx.forward(record.withKey(keyOf(record.value, record.key))),
    };
  }, [stream.nodeName]);
  return new KStream<K2, V>(b, name, true, keySerde, stream.valueSerde);
}

/** Maps both sides of a table update; null stays null (a delete). */
export function processTableValues<K, V, V2>(
  table: KTable<K, V>,
  prefix: string,
  mapper: (value: V, key: K, record: Record<K, Change<V>>, ctx: ProcessorContext<K, Change<V2>>) => V2 | null,
  name?: string,
  valueSerde?: Serde<V2>,
): KTable<K, V2> {
  const b = table.builder;
  const node = name ?? b.newName(prefix);
  b.addProcessor<K, Change<V>, K, Change<V2>>(node, (): Processor<K, Change<V>, K, Change<V2>> => {
    let ctx!: ProcessorContext<K, Change<V2>>;
    return {
      init: (c) => {
        ctx = c;
      },
      process: (record) => {
        const { newValue, oldValue } = record.value;
        const n = newValue === null ? null : mapper(newValue, record.key, record, ctx);
        const o = oldValue === null ? null : mapper(oldValue, record.key, record, ctx);
        ctx.forward(record.withValue({ newValue: n, oldValue: o }));
      },
    };
  }, [table.nodeName]);
  return new KTable<K, V2>(b, node, undefined, table.keySerde, valueSerde, table.windowGraceMs);
}

/**
 * KTable.filter named as ksqlDB names it: a row failing the predicate becomes a delete; an update
 * where neither the new nor the old row passes is not forwarded (a row that never matched makes
 * no tombstone, as in ksqlDB's table filters).
 */
export function filterTable<K, V>(
  table: KTable<K, V>,
  name: string,
  keep: (value: V, key: K) => boolean,
): KTable<K, V> {
  const b = table.builder;
  b.addProcessor<K, Change<V>, K, Change<V>>(name, (): Processor<K, Change<V>, K, Change<V>> => {
    let ctx!: ProcessorContext<K, Change<V>>;
    return {
      init: (c) => {
        ctx = c;
      },
      process: (record) => {
        const { newValue, oldValue } = record.value;
        const n = newValue !== null && keep(newValue, record.key) ? newValue : null;
        const o = oldValue !== null && keep(oldValue, record.key) ? oldValue : null;
        if (n === null && o === null) return;
        ctx.forward(record.withValue({ newValue: n, oldValue: o }));
      },
    };
  }, [table.nodeName]);
  return new KTable<K, V>(b, name, undefined, table.keySerde, table.valueSerde, table.windowGraceMs);
}
