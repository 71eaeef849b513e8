/**
 * The nodes and stores of a windowed stream-stream join (Kafka Streams' KStreamImpl#join with
 * JoinWindows): each side's records go into its window store and are joined with the other side's
 * records inside the window; left and outer joins emit the unmatched records once their window
 * closes (through the outer store, when the spurious-result fix is on). KStream repartitions both
 * sides first and wraps the returned merge node; this file need not import it.
 */
import { type Serde, Serdes } from '../serde/serde.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import type { StreamJoined } from './options.js';
import { JoinTimeTrackers, StreamStreamJoinProcessor } from './processors/stream-join-processor.js';
import { PassThroughProcessor } from './processors/stateless.js';
import { joinWindowStoreBuilder, outerJoinStoreBuilder } from './materialized-stores.js';
import type { JoinWindows } from './windows.js';

export interface StreamStreamJoin<K, V, VO, VR> {
  /** Base name of the stores (and of the nodes, unless `streamJoined.name` names them). */
  readonly base: string;
  /** The left side, already repartitioned if it needed to be; its value serde is the stream's own. */
  readonly left: { nodeName: string; keySerde: Serde<K> | undefined; valueSerde: Serde<V> | undefined };
  readonly right: { nodeName: string; valueSerde: Serde<VO> | undefined };
  readonly joiner: (left: V | null, right: VO | null) => VR;
  readonly windows: JoinWindows;
  readonly streamJoined: StreamJoined<K, V, VO>;
  readonly mode: 'inner' | 'left' | 'outer';
}

/** Adds the join's stores and nodes to `b`; returns the node whose output is the joined stream. */
export function streamStreamJoin<K, V, VO, VR>(
  b: InternalStreamsBuilder,
  { base, left, right, joiner, windows, streamJoined, mode }: StreamStreamJoin<K, V, VO, VR>,
): string {
  const named = streamJoined.name;
  const thisStore = streamJoined.storeNames?.this ?? `${base}-this-join-store`;
  const otherStore = streamJoined.storeNames?.other ?? `${base}-other-join-store`;
  const retention = windows.beforeMs + windows.afterMs + windows.graceMs + 1;
  const keySerde = (streamJoined.keySerde ??
    left.keySerde ??
    b.options.defaultKeySerde ??
    Serdes.json()) as Serde<K>;
  const thisSerde = (streamJoined.valueSerde ??
    left.valueSerde ??
    b.options.defaultValueSerde ??
    Serdes.json()) as Serde<V>;
  const otherSerde = (streamJoined.otherValueSerde ??
    right.valueSerde ??
    b.options.defaultValueSerde ??
    Serdes.json()) as Serde<VO>;
  b.addStateStore(
    joinWindowStoreBuilder(b, thisStore, retention, keySerde, thisSerde, streamJoined.loggingEnabled),
  );
  b.addStateStore(
    joinWindowStoreBuilder(b, otherStore, retention, keySerde, otherSerde, streamJoined.loggingEnabled),
  );
  const outerStore =
    mode === 'inner' || !windows.spuriousResultFixEnabled
      ? undefined
      : (streamJoined.storeNames?.outer ?? `${base}-outer-join-store`);
  if (outerStore) b.addStateStore(outerJoinStoreBuilder(b, outerStore, streamJoined.loggingEnabled));
  const stores = outerStore ? [thisStore, otherStore, outerStore] : [thisStore, otherStore];
  const thisJoin = named
    ? `${named}-this-join`
    : b.newName(mode === 'outer' ? 'KSTREAM-OUTERTHIS' : 'KSTREAM-JOINTHIS');
  const otherJoin = named
    ? `${named}-other-join`
    : b.newName(mode === 'inner' ? 'KSTREAM-JOINOTHER' : 'KSTREAM-OUTEROTHER');
  const merge = named ? `${named}-merge` : b.newName('KSTREAM-MERGE');
  const trackers = new JoinTimeTrackers();
  const common = {
    windowBeforeMs: windows.beforeMs,
    windowAfterMs: windows.afterMs,
    graceMs: windows.graceMs,
    outerStoreName: outerStore,
    trackers,
    keySerde,
    joiner: joiner as (l: unknown, r: unknown) => VR,
  };
  b.addProcessor(
    thisJoin,
    () =>
      new StreamStreamJoinProcessor<K, V, VO, VR>({
        ...common,
        thisStoreName: thisStore,
        otherStoreName: otherStore,
        leftSide: true,
        outer: mode !== 'inner',
        thisValueSerde: thisSerde,
        otherValueSerde: otherSerde,
      }),
    [left.nodeName],
    stores,
  );
  b.addProcessor(
    otherJoin,
    () =>
      new StreamStreamJoinProcessor<K, VO, V, VR>({
        ...common,
        thisStoreName: otherStore,
        otherStoreName: thisStore,
        leftSide: false,
        outer: mode === 'outer',
        thisValueSerde: otherSerde,
        otherValueSerde: thisSerde,
      }),
    [right.nodeName],
    stores,
  );
  b.addProcessor(merge, () => new PassThroughProcessor<K, VR>(), [thisJoin, otherJoin]);
  b.recordOp((t) =>
    t.addCopartitionGroup([...t.sourceTopicsOf(left.nodeName), ...t.sourceTopicsOf(right.nodeName)]),
  );
  return merge;
}
