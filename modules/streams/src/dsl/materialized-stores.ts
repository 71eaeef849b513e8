import type { Serde } from '../serde/serde.js';
import { Serdes } from '../serde/serde.js';
import { readInt64BE, writeInt64BE } from '../state/bytes.js';
import { serializeFramed } from '../state/serde.js';
import type { StateStore } from '../state/state-store.js';
import { inMemoryStoreBackend, Stores } from '../state/stores-factory.js';
import type { StoreBackend, StoreBuilder } from '../state/supplier.js';
import type { ValueAndTimestamp } from './change.js';
import type { Materialized } from './options.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';

/**
 * The one place where the DSL makes stores: it picks the backend (Materialized → builder option →
 * in-memory), wraps values with their timestamp where tables need it, and applies the caching and
 * logging switches (both on by default, as in Kafka Streams).
 */

/** [8-byte big-endian timestamp][value bytes] — Kafka's ValueAndTimestamp layout. */
export function valueAndTimestampSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return {
    serialize(v) {
      const out = serializeFramed(inner, v.value, 8, 0);
      writeInt64BE(out, v.timestamp, 0);
      return out;
    },
    deserialize(data) {
      return { timestamp: readInt64BE(data, 0), value: inner.deserialize(data.subarray(8)) };
    },
  };
}

function backendOf(builder: InternalStreamsBuilder, m: Materialized<unknown, unknown>): StoreBackend {
  return m.backend ?? builder.options.storeBackend ?? inMemoryStoreBackend;
}

function keySerdeOf<K>(builder: InternalStreamsBuilder, s: Serde<K> | undefined): Serde<K> {
  return s ?? (builder.options.defaultKeySerde as Serde<K> | undefined) ?? Serdes.json<K>();
}

function valueSerdeOf<V>(builder: InternalStreamsBuilder, s: Serde<V> | undefined): Serde<V> {
  return s ?? (builder.options.defaultValueSerde as Serde<V> | undefined) ?? Serdes.json<V>();
}

function applySwitches<T extends StoreBuilder<StateStore>>(b: T, m: Materialized<unknown, unknown>): T {
  if (m.cachingEnabled === false) b.withCachingDisabled();
  else b.withCachingEnabled();
  if (m.loggingEnabled === false) b.withLoggingDisabled();
  else b.withLoggingEnabled(m.logConfig ? { ...m.logConfig } : undefined);
  return b;
}

/** Timestamped key-value store for tables and aggregations. */
export function keyValueStoreBuilder<K, V>(
  builder: InternalStreamsBuilder,
  name: string,
  m: Materialized<K, V>,
) {
  const supplier = backendOf(builder, m).keyValue(name);
  const b = Stores.keyValueStoreBuilder(
    supplier,
    keySerdeOf(builder, m.keySerde),
    valueAndTimestampSerde(valueSerdeOf(builder, m.valueSerde)),
  );
  return applySwitches(b, m);
}

/** Timestamped window store for windowed aggregations. */
export function windowStoreBuilder<K, V>(
  builder: InternalStreamsBuilder,
  name: string,
  retentionMs: number,
  windowSizeMs: number,
  m: Materialized<K, V>,
) {
  const supplier = backendOf(builder, m).window(name, retentionMs, windowSizeMs, false);
  const b = Stores.windowStoreBuilder(
    supplier,
    keySerdeOf(builder, m.keySerde),
    valueAndTimestampSerde(valueSerdeOf(builder, m.valueSerde)),
  );
  return applySwitches(b, m);
}

/** Session store (values are plain aggregates; a session's timestamp is its end). */
export function sessionStoreBuilder<K, V>(
  builder: InternalStreamsBuilder,
  name: string,
  retentionMs: number,
  m: Materialized<K, V>,
) {
  const supplier = backendOf(builder, m).session(name, retentionMs);
  const b = Stores.sessionStoreBuilder(
    supplier,
    keySerdeOf(builder, m.keySerde),
    valueSerdeOf(builder, m.valueSerde),
  );
  return applySwitches(b, m);
}

/**
 * Window store of raw values (stream–stream join sides, sliding-window inputs): every value seen
 * for a key at one timestamp, as an array, so duplicates are kept. Never cached: joins read it
 * back at once and must see every value.
 */
export function joinWindowStoreBuilder<K, V>(
  builder: InternalStreamsBuilder,
  name: string,
  retentionMs: number,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  loggingEnabled: boolean | undefined,
) {
  const vs = valueSerdeOf(builder, valueSerde);
  const listSerde: Serde<V[]> = {
    serialize: (values) => Buffer.from(JSON.stringify(values.map((v) => vs.serialize(v).toString('base64')))),
    deserialize: (data) =>
      (JSON.parse(data.toString()) as string[]).map((s) => vs.deserialize(Buffer.from(s, 'base64'))),
  };
  const supplier = backendOf(builder, {}).window(name, retentionMs, 1, false);
  const b = Stores.windowStoreBuilder(supplier, keySerdeOf(builder, keySerde), listSerde);
  return applySwitches(b, { cachingEnabled: false, loggingEnabled });
}

/** Serde of a list of byte strings: [count][length, bytes]… (values waiting in an outer-join store). */
const bufferListSerde: Serde<Buffer[]> = {
  serialize(values) {
    let size = 4;
    for (const v of values) size += 4 + v.length;
    const out = Buffer.allocUnsafe(size);
    out.writeUInt32BE(values.length, 0);
    let at = 4;
    for (const v of values) {
      out.writeUInt32BE(v.length, at);
      v.copy(out, at + 4);
      at += 4 + v.length;
    }
    return out;
  },
  deserialize(data) {
    const n = data.readUInt32BE(0);
    const out: Buffer[] = [];
    let at = 4;
    for (let i = 0; i < n; i++) {
      const len = data.readUInt32BE(at);
      out.push(Buffer.from(data.subarray(at + 4, at + 4 + len)));
      at += 4 + len;
    }
    return out;
  },
};

/**
 * The outer-join store of a left/outer KStream–KStream join: unmatched records by
 * (timestamp, side, key), as serialized values. Never cached (read back at once), logged by default.
 */
export function outerJoinStoreBuilder(
  builder: InternalStreamsBuilder,
  name: string,
  loggingEnabled: boolean | undefined,
) {
  const supplier = backendOf(builder, {}).keyValue(name);
  const b = Stores.keyValueStoreBuilder(supplier, Serdes.bytes(), bufferListSerde);
  return applySwitches(b, { cachingEnabled: false, loggingEnabled });
}
