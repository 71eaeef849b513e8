import type { Consumed, Materialized } from './options.js';
import { InternalStreamsBuilder } from './internal-streams-builder.js';
import { KStream } from './kstream.js';
import { KTable } from './ktable.js';
import { KTableSourceProcessor } from './processors/ktable-processors.js';
import { keyValueStoreBuilder } from './materialized-stores.js';

export type { StreamsBuilderOptions } from './internal-streams-builder.js';

/**
 * Entry point of the DSL (Kafka Streams' StreamsBuilder). DSL calls only record graph operations
 * and assign node names (see InternalStreamsBuilder); `build()` compiles them, in order, into a
 * Topology.
 */
export class StreamsBuilder extends InternalStreamsBuilder {
  /** A stream of the records of one or more topics. */
  stream<K, V>(topics: string | readonly string[], consumed: Consumed<K, V> = {}): KStream<K, V> {
    const name = consumed.name ?? this.newName('KSTREAM-SOURCE');
    this.addSource(name, typeof topics === 'string' ? [topics] : topics, consumed);
    return new KStream<K, V>(this, name, false, consumed.keySerde, consumed.valueSerde);
  }

  /** A changelog-backed table of a topic: the latest value per key; null values delete. */
  table<K, V>(
    topic: string,
    consumed: Consumed<K, V> = {},
    materialized: Materialized<K, V> = {},
  ): KTable<K, V> {
    const source = consumed.name ?? this.newName('KSTREAM-SOURCE');
    this.addSource(source, [topic], consumed);
    const name = this.newName('KTABLE-SOURCE');
    const storeName = materialized.storeName ?? `${this.newName('KTABLE-SOURCE-STATE-STORE')}`;
    const storeBuilder = keyValueStoreBuilder(this, storeName, {
      ...materialized,
      keySerde: materialized.keySerde ?? consumed.keySerde,
      valueSerde: materialized.valueSerde ?? consumed.valueSerde,
    });
    this.addProcessor(name, () => new KTableSourceProcessor<K, V>(storeName), [source]);
    this.addStateStore(storeBuilder, [name]);
    return new KTable<K, V>(
      this,
      name,
      storeName,
      materialized.keySerde ?? consumed.keySerde,
      materialized.valueSerde ?? consumed.valueSerde,
    );
  }
}
