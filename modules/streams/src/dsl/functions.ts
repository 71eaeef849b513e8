/** Function shapes the DSL takes (Kafka Streams' functional interfaces, as plain functions). */
export type Predicate<K, V> = (key: K, value: V) => boolean;
export type KeyValueMapper<K, V, R> = (key: K, value: V) => R;
/** Value mapper; the key is passed second so `(v) => ...` and `(v, k) => ...` both fit (ValueMapperWithKey). */
export type ValueMapper<V, VR, K = unknown> = (value: V, key: K) => VR;
export type ValueJoiner<V1, V2, VR> = (value1: V1, value2: V2) => VR;
export type Initializer<VA> = () => VA;
export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;
export type Reducer<V> = (aggregate: V, value: V) => V;
/** Merges two session aggregates when sessions merge (Kafka Streams' Merger). */
export type Merger<K, VA> = (key: K, aggregate1: VA, aggregate2: VA) => VA;
export type ForeachAction<K, V> = (key: K, value: V) => void;
/** A key-value pair produced by map/flatMap. */
export type KeyValuePair<K, V> = readonly [K, V];
