import { type Serde, Serdes } from '../serde/serde.js';
import { Stores, inMemoryStoreBackend } from '../state/stores-factory.js';
import type { Change } from './change.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import type { Materialized } from './options.js';
import {
  ForeignTableChangeProcessor,
  ResponseJoinProcessor,
  type Response,
  responseSerde,
  SubscriptionReceiveProcessor,
  SubscriptionSendProcessor,
  subscriptionSerde,
} from './processors/foreign-key-join-processors.js';
import { PassThroughProcessor } from './processors/stateless.js';

/** Options of a foreign-key join (Kafka Streams' TableJoined, plus the result's Materialized). */
export interface ForeignKeyJoined<K, KO, VR, V = unknown, VO = unknown> {
  /**
   * Base name of the join's nodes, store and topics: `<name>-subscription-registration-topic`,
   * `<name>-subscription-response-topic`, `<name>-subscription-store`. Default: generated
   * (`KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-<n>`, … as Kafka Streams names them).
   */
  readonly name?: string;
  /** Serde of the primary key (default: the left table's key serde). */
  readonly keySerde?: Serde<K>;
  /** Serde of the foreign key (default: the right table's key serde). */
  readonly otherKeySerde?: Serde<KO>;
  /** Serdes of both tables' values (hashing, responses); default: the tables' own. */
  readonly valueSerde?: Serde<V>;
  readonly otherValueSerde?: Serde<VO>;
  readonly materialized?: Materialized<K, VR>;
}

/**
 * What the join needs of each side: a KTable, named here by what it is used for so that this file
 * need not import the KTable (which calls it).
 */
export interface JoinableTable<K, V> {
  readonly builder: InternalStreamsBuilder;
  readonly nodeName: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  /** Materializes the table if it is not; returns its store's name. */
  materialize(materialized: Materialized<K, V>): string;
}

/** The join's result node and the serde of its key; KTable wraps them in the result table. */
export interface ForeignKeyJoinNode<K> {
  readonly nodeName: string;
  readonly keySerde: Serde<K>;
}

/**
 * Builds `left ⋈ right ON fk(left.value) = right.key` (Kafka Streams' KTable#join(other,
 * foreignKeyExtractor, joiner)); see processors/foreign-key-join-processors.ts for the protocol.
 * The result is keyed by the left table's key and updates when either side changes.
 */
export function foreignKeyJoin<K, V, KO, VO, VR>(
  left: JoinableTable<K, V>,
  right: JoinableTable<KO, VO>,
  fk: (value: V) => KO | null,
  joiner: (l: V, r: VO | null) => VR,
  leftJoin: boolean,
  options: ForeignKeyJoined<K, KO, VR, V, VO>,
): ForeignKeyJoinNode<K> {
  const b = left.builder;
  const defaults = b.options;
  const pkSerde = (options.keySerde ??
    left.keySerde ??
    defaults.defaultKeySerde ??
    Serdes.json()) as Serde<K>;
  const fkSerde = (options.otherKeySerde ??
    right.keySerde ??
    defaults.defaultKeySerde ??
    Serdes.json()) as Serde<KO>;
  const leftValueSerde = (options.valueSerde ??
    left.valueSerde ??
    defaults.defaultValueSerde ??
    Serdes.json()) as Serde<V>;
  const rightValueSerde = (options.otherValueSerde ??
    right.valueSerde ??
    defaults.defaultValueSerde ??
    Serdes.json()) as Serde<VO>;
  const leftStore = left.materialize({ keySerde: pkSerde, valueSerde: leftValueSerde });
  const rightStore = right.materialize({ keySerde: fkSerde, valueSerde: rightValueSerde });

  const named = (kafkaPrefix: string, suffix: string) =>
    options.name ? `${options.name}-${suffix}` : b.newName(kafkaPrefix);
  const registration = named('KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION', 'subscription-registration');
  const registrationTopic = b.addRepartitionTopic(registration, undefined, '-topic');
  const send = named('KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION', 'subscription-registration-send');
  const sendSink = named('KTABLE-SINK', 'subscription-registration-sink');
  const receiveSource = named('KTABLE-SOURCE', 'subscription-registration-source');
  const store = named('KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE', 'subscription-store');
  const receive = named('KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR', 'subscription-receive');
  const foreign = named('KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR', 'subscription-foreign');
  const response = named('KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE', 'subscription-response');
  const responseTopic = b.addRepartitionTopic(response, undefined, '-topic');
  const responseSink = named('KTABLE-SINK', 'subscription-response-sink');
  const responseSource = named('KTABLE-SOURCE', 'subscription-response-source');
  const resolver = named(
    'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR',
    'subscription-response-resolver',
  );
  const output = named('KTABLE-FK-JOIN-OUTPUT', 'result');
  const bytes = Serdes.bytes();

  // The subscription store is logged (restored on migration) and never cached: answers need it at once.
  const backend = defaults.storeBackend ?? inMemoryStoreBackend;
  b.addStateStore(
    Stores.keyValueStoreBuilder(backend.keyValue(store), bytes, bytes)
      .withCachingDisabled()
      .withLoggingEnabled(),
  );

  b.addProcessor(
    send,
    () =>
      new SubscriptionSendProcessor<K, V, KO, VR>(
        fk,
        leftJoin,
        pkSerde,
        fkSerde,
        leftValueSerde,
        joiner,
        sendSink,
        output,
      ),
    [left.nodeName],
  );
  b.addSink(sendSink, registrationTopic, { keySerde: bytes, valueSerde: subscriptionSerde }, [send]);
  b.addSource(receiveSource, [registrationTopic], { keySerde: bytes, valueSerde: subscriptionSerde });
  b.addProcessor(
    receive,
    () => new SubscriptionReceiveProcessor<KO, VO>(store, rightStore, fkSerde, rightValueSerde),
    [receiveSource],
    [store, rightStore],
  );
  b.addProcessor(
    foreign,
    () => new ForeignTableChangeProcessor<KO, VO>(store, fkSerde, rightValueSerde),
    [right.nodeName],
    [store],
  );
  b.addSink<Buffer, Response>(responseSink, responseTopic, { keySerde: bytes, valueSerde: responseSerde }, [
    receive,
    foreign,
  ]);
  b.addSource(responseSource, [responseTopic], { keySerde: pkSerde, valueSerde: responseSerde });
  b.addProcessor(
    resolver,
    () =>
      new ResponseJoinProcessor<K, V, VO, VR>(leftStore, leftValueSerde, rightValueSerde, joiner, leftJoin),
    [responseSource],
    [leftStore],
  );
  b.addProcessor(output, () => new PassThroughProcessor<K, Change<VR>>(), [resolver, send]);
  // Subscriptions must reach the task holding the right rows of their FK, responses the task of their PK.
  b.recordOp((t) => t.addCopartitionGroup([registrationTopic, ...t.sourceTopicsOf(right.nodeName)]));
  b.recordOp((t) => t.addCopartitionGroup([responseTopic, ...t.sourceTopicsOf(left.nodeName)]));
  return { nodeName: output, keySerde: pkSerde };
}
