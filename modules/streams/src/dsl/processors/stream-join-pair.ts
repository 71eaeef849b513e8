import type { Serde } from '../../serde/serde.js';
import type { JoinWindows } from '../windows.js';
import { JoinTimeTrackers, StreamStreamJoinProcessor } from './stream-join-processor.js';

/** What both sides of a windowed KStream–KStream join are built from. */
export interface StreamJoinPairConfig<K, V, VO, VR> {
  readonly windows: JoinWindows;
  readonly mode: 'inner' | 'left' | 'outer';
  readonly thisStore: string;
  readonly otherStore: string;
  readonly outerStore: string | undefined;
  readonly keySerde: Serde<K>;
  readonly thisSerde: Serde<V>;
  readonly otherSerde: Serde<VO>;
  readonly joiner: (left: V | null, right: VO | null) => VR;
}

/**
 * The processor suppliers of the join's two sides: each reads its own stream and the other's
 * window store; they share one JoinTimeTrackers, so both sides see the same stream time.
 */
export function streamJoinPair<K, V, VO, VR>(
  c: StreamJoinPairConfig<K, V, VO, VR>,
): {
  thisSide: () => StreamStreamJoinProcessor<K, V, VO, VR>;
  otherSide: () => StreamStreamJoinProcessor<K, VO, V, VR>;
} {
  const { windows, mode, thisStore, otherStore, thisSerde, otherSerde } = c;
  const trackers = new JoinTimeTrackers();
  const common = {
    windowBeforeMs: windows.beforeMs,
    windowAfterMs: windows.afterMs,
    graceMs: windows.graceMs,
    outerStoreName: c.outerStore,
    trackers,
    keySerde: c.keySerde,
    joiner: c.joiner as (l: unknown, r: unknown) => VR,
  };
  return {
    thisSide: () =>
      new StreamStreamJoinProcessor<K, V, VO, VR>({
        ...common,
        thisStoreName: thisStore,
        otherStoreName: otherStore,
        leftSide: true,
        outer: mode !== 'inner',
        thisValueSerde: thisSerde,
        otherValueSerde: otherSerde,
      }),
    otherSide: () =>
      new StreamStreamJoinProcessor<K, VO, V, VR>({
        ...common,
        thisStoreName: otherStore,
        otherStoreName: thisStore,
        leftSide: false,
        outer: mode === 'outer',
        thisValueSerde: otherSerde,
        otherValueSerde: thisSerde,
      }),
  };
}
