import type { KeyValueIterator } from './iterator.js';
import type { StateStore } from './state-store.js';

/** A time window [start, end): end is exclusive, as in Kafka Streams' TimeWindow. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** A key with the window it belongs to (window store / session store results). */
export interface Windowed<K> {
  readonly key: K;
  readonly window: Window;
}

/** Iterator of one key's windows: key = window start timestamp. */
export type WindowStoreIterator<V> = KeyValueIterator<number, V>;

/**
 * Window store. Data is segmented by window start time (`segmentInterval`); windows whose start is
 * older than observed stream time − retention are dropped whole segments at a time, and reads
 * never return them. Iteration order (identical in every backend): by segment, then key bytes,
 * then window start — so a single-key fetch is ordered by time; multi-key fetches are ordered by
 * key within a segment (as Kafka's RocksDB window store).
 */
export interface WindowStore<K, V> extends StateStore {
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  readonly segmentIntervalMs: number;
  readonly retainDuplicates: boolean;
  /** null/undefined deletes (ignored when retaining duplicates, as Kafka Streams). */
  put(key: K, value: V | null | undefined, windowStart: number): void;
  /** Value of exactly this window, or undefined. */
  fetchWindow(key: K, windowStart: number): V | undefined;
  /** Windows of `key` with start in [timeFrom, timeTo], ascending start. */
  fetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  backwardFetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  /** Keys in [keyFrom, keyTo] (undefined = open) with start in [timeFrom, timeTo]. */
  fetchRange(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValueIterator<Windowed<K>, V>;
  backwardFetchRange(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValueIterator<Windowed<K>, V>;
  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  backwardFetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  all(): KeyValueIterator<Windowed<K>, V>;
  backwardAll(): KeyValueIterator<Windowed<K>, V>;
}

/**
 * Session store (Kafka Streams' SessionStore). A session is a Windowed key whose window is
 * [start, end] with both ends inclusive (Kafka's SessionWindow). Segmented by session end time.
 */
export interface SessionStore<K, AGG> extends StateStore {
  readonly retentionMs: number;
  /**
   * Sessions of `key` that end at or after `earliestSessionEndTime` and start at or before
   * `latestSessionStartTime` — the sessions a new record may merge with. Ordered by end, then start.
   */
  findSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): KeyValueIterator<Windowed<K>, AGG>;
  backwardFindSessions(
    key: K,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): KeyValueIterator<Windowed<K>, AGG>;
  findSessionsRange(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): KeyValueIterator<Windowed<K>, AGG>;
  backwardFindSessionsRange(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): KeyValueIterator<Windowed<K>, AGG>;
  /** The aggregate of exactly this session, or undefined. */
  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): AGG | undefined;
  /** All sessions of `key`. */
  fetch(key: K): KeyValueIterator<Windowed<K>, AGG>;
  backwardFetch(key: K): KeyValueIterator<Windowed<K>, AGG>;
  /** null/undefined removes. */
  put(session: Windowed<K>, aggregate: AGG | null | undefined): void;
  remove(session: Windowed<K>): void;
}
