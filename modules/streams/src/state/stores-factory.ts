import {
  BufferStoreBuilder,
  KeyValueStoreBuilder,
  SessionStoreBuilder,
  WindowStoreBuilder,
} from './store-builders.js';
import { sessionKeyEnd } from './keys/session-key-schema.js';
import { windowKeyStart } from './keys/window-key-schema.js';
import { InMemoryKeyValueBytesStore } from './memory/in-memory-key-value-store.js';
import { InMemorySegmentedBytesStore } from './memory/in-memory-segmented-store.js';
import { defaultSegmentInterval } from './memory/segments.js';
import type { Serde } from './serde.js';
import type {
  KeyValueBytesStoreSupplier,
  SessionBytesStoreSupplier,
  StoreBackend,
  WindowBytesStoreSupplier,
} from './supplier.js';

/** Checks window store parameters the way Kafka Streams' Stores does. */
export function validateWindowParams(name: string, retentionMs: number, windowSizeMs: number): void {
  if (!(retentionMs >= 0)) throw new RangeError(`store "${name}": retention must be ≥ 0, got ${retentionMs}`);
  if (!(windowSizeMs >= 0))
    throw new RangeError(`store "${name}": window size must be ≥ 0, got ${windowSizeMs}`);
  if (windowSizeMs > retentionMs) {
    throw new RangeError(
      `store "${name}": retention (${retentionMs} ms) must be ≥ window size (${windowSizeMs} ms)`,
    );
  }
}

/** Factories for suppliers and builders (Kafka Streams' `Stores`). */
export const Stores = {
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return { name, backend: 'in-memory', get: () => new InMemoryKeyValueBytesStore(name) };
  },

  /** `segmentIntervalMs` defaults to max(retention / 2, 60 s), as Kafka Streams' segmented stores. */
  inMemoryWindowStore(
    name: string,
    retentionMs: number,
    windowSizeMs: number,
    retainDuplicates: boolean,
    segmentIntervalMs = defaultSegmentInterval(retentionMs),
  ): WindowBytesStoreSupplier {
    validateWindowParams(name, retentionMs, windowSizeMs);
    return {
      name,
      backend: 'in-memory',
      retentionMs,
      windowSizeMs,
      retainDuplicates,
      segmentIntervalMs,
      get: () => new InMemorySegmentedBytesStore(name, retentionMs, segmentIntervalMs, windowKeyStart),
    };
  },

  inMemorySessionStore(
    name: string,
    retentionMs: number,
    segmentIntervalMs = defaultSegmentInterval(retentionMs),
  ): SessionBytesStoreSupplier {
    if (!(retentionMs >= 0))
      throw new RangeError(`store "${name}": retention must be ≥ 0, got ${retentionMs}`);
    return {
      name,
      backend: 'in-memory',
      retentionMs,
      segmentIntervalMs,
      get: () => new InMemorySegmentedBytesStore(name, retentionMs, segmentIntervalMs, sessionKeyEnd),
    };
  },

  keyValueStoreBuilder<K, V>(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde);
  },

  /** The durable store of a processor's in-memory buffer (see buffer-store.ts). */
  bufferStoreBuilder(supplier: KeyValueBytesStoreSupplier) {
    return new BufferStoreBuilder(supplier);
  },

  windowStoreBuilder<K, V>(supplier: WindowBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>) {
    return new WindowStoreBuilder(supplier, keySerde, valueSerde);
  },

  sessionStoreBuilder<K, AGG>(
    supplier: SessionBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<AGG>,
  ) {
    return new SessionStoreBuilder(supplier, keySerde, valueSerde);
  },
};

/** The default backend: everything in process memory, restored from changelogs. */
export const inMemoryStoreBackend: StoreBackend = {
  name: 'in-memory',
  keyValue: (name) => Stores.inMemoryKeyValueStore(name),
  window: (name, retentionMs, windowSizeMs, retainDuplicates, segmentIntervalMs) =>
    Stores.inMemoryWindowStore(name, retentionMs, windowSizeMs, retainDuplicates, segmentIntervalMs),
  session: (name, retentionMs, segmentIntervalMs) =>
    Stores.inMemorySessionStore(name, retentionMs, segmentIntervalMs),
};
