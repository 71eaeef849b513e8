import { type BufferStore, KeyValueBufferStore } from './buffer-store.js';
import { ChangeLoggingKeyValueBytesStore } from './logging/change-logging-key-value-store.js';
import { ChangeLoggingSegmentedBytesStore } from './logging/change-logging-segmented-store.js';
import { InMemoryBufferStore } from './memory/in-memory-buffer-store.js';
import { TypedKeyValueStore } from './typed/typed-key-value-store.js';
import { TypedSessionStore } from './typed/typed-session-store.js';
import { TypedWindowStore } from './typed/typed-window-store.js';
import type { Serde } from './serde.js';
import type { StateStore } from './state-store.js';
import type {
  KeyValueBytesStoreSupplier,
  SessionBytesStoreSupplier,
  StoreBuilder,
  WindowBytesStoreSupplier,
} from './supplier.js';

/** Logging on, caching off by default — Kafka Streams' defaults for a StoreBuilder. */
abstract class BaseStoreBuilder<T extends StateStore> implements StoreBuilder<T> {
  loggingEnabled = true;
  cachingEnabled = false;
  logConfig: Readonly<Record<string, string>> = {};

  constructor(readonly name: string) {}

  withCachingEnabled(): this {
    this.cachingEnabled = true;
    return this;
  }

  withCachingDisabled(): this {
    this.cachingEnabled = false;
    return this;
  }

  withLoggingEnabled(config: Record<string, string> = {}): this {
    this.loggingEnabled = true;
    this.logConfig = { ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.loggingEnabled = false;
    this.logConfig = {};
    return this;
  }

  abstract build(): T;
}

export class KeyValueStoreBuilder<K, V> extends BaseStoreBuilder<TypedKeyValueStore<K, V>> {
  constructor(
    readonly supplier: KeyValueBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    super(supplier.name);
  }

  build(): TypedKeyValueStore<K, V> {
    const bytes = this.supplier.get();
    const logged = this.loggingEnabled ? new ChangeLoggingKeyValueBytesStore(bytes) : bytes;
    return new TypedKeyValueStore(logged, this.keySerde, this.valueSerde, this.cachingEnabled);
  }
}

export class WindowStoreBuilder<K, V> extends BaseStoreBuilder<TypedWindowStore<K, V>> {
  constructor(
    readonly supplier: WindowBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    super(supplier.name);
    // The changelog must keep at least the store's retention (Kafka adds retention.ms likewise).
    this.logConfig = { 'retention.ms': String(supplier.retentionMs) };
  }

  override withLoggingEnabled(config: Record<string, string> = {}): this {
    super.withLoggingEnabled({ 'retention.ms': String(this.supplier.retentionMs), ...config });
    return this;
  }

  build(): TypedWindowStore<K, V> {
    const bytes = this.supplier.get();
    const logged = this.loggingEnabled ? new ChangeLoggingSegmentedBytesStore(bytes) : bytes;
    const { windowSizeMs, retainDuplicates } = this.supplier;
    return new TypedWindowStore(
      logged,
      this.keySerde,
      this.valueSerde,
      this.cachingEnabled,
      windowSizeMs,
      retainDuplicates,
    );
  }
}

export class SessionStoreBuilder<K, AGG> extends BaseStoreBuilder<TypedSessionStore<K, AGG>> {
  constructor(
    readonly supplier: SessionBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<AGG>,
  ) {
    super(supplier.name);
    this.logConfig = { 'retention.ms': String(supplier.retentionMs) };
  }

  override withLoggingEnabled(config: Record<string, string> = {}): this {
    super.withLoggingEnabled({ 'retention.ms': String(this.supplier.retentionMs), ...config });
    return this;
  }

  build(): TypedSessionStore<K, AGG> {
    const bytes = this.supplier.get();
    const logged = this.loggingEnabled ? new ChangeLoggingSegmentedBytesStore(bytes) : bytes;
    return new TypedSessionStore(logged, this.keySerde, this.valueSerde, this.cachingEnabled);
  }
}

/**
 * A processor buffer's durable store (suppression): over a persistent supplier (Redis) a
 * change-logged key-value store of its own; over an in-memory one an InMemoryBufferStore, which
 * only writes the changelog — the processor's buffer is the in-memory copy. No cache.
 */
export class BufferStoreBuilder extends BaseStoreBuilder<BufferStore> {
  constructor(readonly supplier: KeyValueBytesStoreSupplier) {
    super(supplier.name);
  }

  build(): BufferStore {
    const bytes = this.supplier.get();
    if (!bytes.persistent) return new InMemoryBufferStore(this.name, this.loggingEnabled);
    return new KeyValueBufferStore(this.loggingEnabled ? new ChangeLoggingKeyValueBytesStore(bytes) : bytes);
  }
}
