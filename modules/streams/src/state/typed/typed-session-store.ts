import type { CacheNode } from '../cache/named-cache.js';
import type { KeyValueIterator } from '../iterator.js';
import { sessionKey, sessionKeyEnd, sessionKeyKey, sessionKeyStart } from '../keys/session-key-schema.js';
import { findSessions } from '../queries/session-queries.js';
import type { SegmentedBytesStore } from '../segmented.js';
import type { Serde } from '../serde.js';
import type { FlushListenable, FlushListener } from '../supplier.js';
import type { SessionStore, Windowed } from '../window.js';
import { TypedSegmentedBase } from './typed-segmented-base.js';
import { typedKeys } from './typed-window-store.js';

/**
 * The session store processors see (serdes + optional record cache over change logging over a
 * SegmentedBytesStore of SessionKeySchema composites, segmented by session end). Sessions that
 * end at or before stream time − retention are dropped on put and invisible to reads.
 */
export class TypedSessionStore<K, AGG>
  extends TypedSegmentedBase<AGG>
  implements SessionStore<K, AGG>, FlushListenable<Windowed<K>, AGG>
{
  private listener: FlushListener<Windowed<K>, AGG> | undefined;
  private sendOldValues = false;

  constructor(
    inner: SegmentedBytesStore,
    private readonly keySerde: Serde<K>,
    valueSerde: Serde<AGG>,
    cachingRequested: boolean,
  ) {
    super(inner, valueSerde, cachingRequested, sessionKeyEnd);
  }

  setFlushListener(listener: FlushListener<Windowed<K>, AGG>, sendOldValues: boolean): boolean {
    this.listener = listener;
    this.sendOldValues = sendOldValues;
    return this.cache !== undefined;
  }

  put(session: Windowed<K>, aggregate: AGG | null | undefined): void {
    const { start, end } = session.window;
    this.putComposite(
      this.locate(sessionKey(this.keySerde.serialize(session.key), start, end)),
      aggregate ?? null,
      end,
    );
  }

  remove(session: Windowed<K>): void {
    this.put(session, null);
  }

  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): AGG | undefined {
    return this.getComposite(
      this.locate(sessionKey(this.keySerde.serialize(key), sessionStartTime, sessionEndTime)),
      sessionEndTime,
    );
  }

  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number) {
    const k = this.keySerde.serialize(key);
    return this.find(k, k, earliestSessionEndTime, latestSessionStartTime, false);
  }

  backwardFindSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number) {
    const k = this.keySerde.serialize(key);
    return this.find(k, k, earliestSessionEndTime, latestSessionStartTime, true);
  }

  findSessionsRange(keyFrom: K | undefined, keyTo: K | undefined, earliestEnd: number, latestStart: number) {
    return this.find(this.optional(keyFrom), this.optional(keyTo), earliestEnd, latestStart, false);
  }

  backwardFindSessionsRange(
    keyFrom: K | undefined,
    keyTo: K | undefined,
    earliestEnd: number,
    latestStart: number,
  ) {
    return this.find(this.optional(keyFrom), this.optional(keyTo), earliestEnd, latestStart, true);
  }

  fetch(key: K): KeyValueIterator<Windowed<K>, AGG> {
    return this.findSessions(key, 0, Number.MAX_SAFE_INTEGER);
  }

  backwardFetch(key: K): KeyValueIterator<Windowed<K>, AGG> {
    return this.backwardFindSessions(key, 0, Number.MAX_SAFE_INTEGER);
  }

  protected listenerState(): { sendOldValues: boolean } | undefined {
    return this.listener ? { sendOldValues: this.sendOldValues } : undefined;
  }

  protected onFlushed(
    composite: Buffer,
    newValue: AGG | undefined,
    oldBytes: Buffer | undefined,
    node: CacheNode,
  ): void {
    if (!this.listener) return;
    this.listener({
      key: {
        key: this.keySerde.deserialize(sessionKeyKey(composite)),
        window: { start: sessionKeyStart(composite), end: sessionKeyEnd(composite) },
      },
      newValue,
      oldValue: oldBytes === undefined ? undefined : this.valueSerde.deserialize(oldBytes),
      context: node.context,
    });
  }

  private optional(key: K | undefined): Buffer | undefined {
    return key === undefined ? undefined : this.keySerde.serialize(key);
  }

  private find(
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    earliestEnd: number,
    latestStart: number,
    reverse: boolean,
  ): KeyValueIterator<Windowed<K>, AGG> {
    this.assertOpen();
    const source = findSessions(
      this.scanTyped.bind(this),
      keyFrom,
      keyTo,
      earliestEnd,
      latestStart,
      this.minLiveTime(),
      reverse,
    );
    return this.iterators.wrap(this.name, typedKeys(source, this.keySerde));
  }
}
