import type { Serde } from '../serde/serde.js';
import { Serdes } from '../serde/serde.js';
import { changeSerde } from './change-serde.js';
import type { Change } from './change.js';
import type { Aggregator, Initializer } from './functions.js';
import { KTable } from './ktable.js';
import type { Materialized } from './options.js';
import { KTableAggregateProcessor } from './processors/ktable-group-processors.js';
import { keyValueStoreBuilder } from './stores.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';

/**
 * A re-keyed table ready to aggregate (Kafka Streams' KGroupedTable). Its updates go through a
 * repartition topic `<app>-<name>-repartition` as Change(new, old) records (see changeSerde), so
 * each group's aggregate can take an old value out (subtractor) before adding the new one (adder).
 */
export class KGroupedTable<K, V> {
  /** @internal */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    /** The node forwarding re-keyed Change records. */
    private readonly nodeName: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly repartitionName: string | undefined,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.aggregate(
      () => 0,
      (_k, _v, n) => n + 1,
      (_k, _v, n) => n - 1,
      { valueSerde: Serdes.int64(), ...materialized },
    );
  }

  aggregate<VA>(
    initializer: Initializer<VA>,
    adder: Aggregator<K, V, VA>,
    subtractor: Aggregator<K, V, VA>,
    materialized: Materialized<K, VA> = {},
  ): KTable<K, VA> {
    const b = this.builder;
    const storeName = materialized.storeName ?? b.newName('KTABLE-AGGREGATE-STATE-STORE');
    const base = this.repartitionName ?? storeName;
    const topic = b.addRepartitionTopic(base);
    const ks = this.keySerde ?? (b.options.defaultKeySerde as Serde<K> | undefined) ?? Serdes.json<K>();
    const vs = this.valueSerde ?? (b.options.defaultValueSerde as Serde<V> | undefined) ?? Serdes.json<V>();
    const cs: Serde<Change<V>> = changeSerde(vs);
    const sink = `${base}-repartition-sink`;
    const source = `${base}-repartition-source`;
    b.addSink(sink, topic, { keySerde: ks, valueSerde: cs }, [this.nodeName]);
    b.addSource(source, [topic], { keySerde: ks, valueSerde: cs });
    const keySerde = materialized.keySerde ?? this.keySerde;
    b.addStateStore(keyValueStoreBuilder(b, storeName, { ...materialized, keySerde }));
    const name = b.newName('KTABLE-AGGREGATE');
    b.addProcessor(
      name,
      () => new KTableAggregateProcessor<K, V, VA>(storeName, initializer, adder, subtractor),
      [source],
      [storeName],
    );
    return new KTable<K, VA>(b, name, storeName, keySerde, materialized.valueSerde);
  }
}
