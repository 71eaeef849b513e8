import { describe, expect, it } from 'vitest';
import {
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  TimeWindows,
  TopologyTestDriver,
  type Windowed,
} from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

/** Output of a windowed table as `key@start-end` → value, with the record timestamp. */
function windowedOutput(
  table: import('@meterstream/streams').KTable<Windowed<string>, number>,
  topic: string,
): void {
  table
    .toStream()
    .map((wk, v) => [`${wk.key}@${wk.window.start}-${wk.window.end}`, v] as [string, number])
    .to(topic, { keySerde: str, valueSerde: num });
}

function read(d: TopologyTestDriver, topic: string) {
  return d
    .createOutputTopic(topic, str, num)
    .readRecordsToList()
    .map((r) => [r.key, r.value, r.timestamp]);
}

describe('time windows (Kafka Streams docs: "Windowing" → "Tumbling time windows", "Hopping time windows")', () => {
  it('tumbling: each record updates its one window; output timestamp is the largest in the window (caching off)', () => {
    const b = new StreamsBuilder();
    const t = b
      .stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ cachingEnabled: false });
    windowedOutput(t, 'out');
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, str);
    input.pipeInput('a', 'x', 5);
    input.pipeInput('a', 'x', 1); // out of order, same window: timestamp stays 5
    input.pipeInput('a', 'x', 12);
    input.pipeInput('b', 'x', 13);
    expect(read(d, 'out')).toEqual([
      ['a@0-10', 1, 5],
      ['a@0-10', 2, 5],
      ['a@10-20', 1, 12],
      ['b@10-20', 1, 13],
    ]);
  });

  it('hopping: one update per containing window, in ascending window start', () => {
    const b = new StreamsBuilder();
    const t = b
      .stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5))
      .count({ cachingEnabled: false });
    windowedOutput(t, 'out');
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, str);
    input.pipeInput('a', 'x', 12); // in [5,15) and [10,20)
    input.pipeInput('a', 'x', 3); // in [0,10) only (no negative starts)
    input.pipeInput('a', 'x', 14); // [5,15) and [10,20) again
    expect(read(d, 'out')).toEqual([
      ['a@5-15', 1, 12],
      ['a@10-20', 1, 12],
      ['a@0-10', 1, 3],
      ['a@5-15', 2, 14],
      ['a@10-20', 2, 14],
    ]);
  });

  it('windowsFor matches Kafka TimeWindows.windowsFor', () => {
    const w = TimeWindows.ofSizeWithNoGrace(10).advanceBy(3);
    expect(w.windowsFor(11).map((x) => x.start)).toEqual([3, 6, 9]);
    expect(w.windowsFor(2).map((x) => x.start)).toEqual([0]);
  });

  it('grace: a record is dropped (and counted) once window end + grace ≤ stream time', () => {
    const b = new StreamsBuilder();
    const t = b
      .stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
      .count({ cachingEnabled: false, storeName: 'counts' });
    windowedOutput(t, 'out');
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, str);
    input.pipeInput('a', 'x', 1);
    input.pipeInput('a', 'x', 14); // stream time 14: [0,10) closes at 10 + 5 = 15
    input.pipeInput('a', 'x', 2); // accepted: 10 + 5 > 14
    input.pipeInput('a', 'x', 15); // stream time 15 → [0,10) closed
    input.pipeInput('a', 'x', 3); // late: dropped
    expect(read(d, 'out')).toEqual([
      ['a@0-10', 1, 1],
      ['a@10-20', 1, 14],
      ['a@0-10', 2, 2],
      ['a@10-20', 2, 15],
    ]);
    expect(d.metrics().lateRecordDrops).toBe(1);
    const store = d.getWindowStore<string, { value: number; timestamp: number }>('counts');
    expect(store.fetchWindow('a', 0)?.value).toBe(2);
  });

  it('no grace: the window closes exactly at its end', () => {
    const b = new StreamsBuilder();
    const t = b
      .stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ cachingEnabled: false });
    windowedOutput(t, 'out');
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, str);
    input.pipeInput('a', 'x', 10);
    input.pipeInput('a', 'x', 9); // window [0,10) end 10 ≤ stream time 10: late
    expect(read(d, 'out')).toEqual([['a@10-20', 1, 10]]);
    expect(d.metrics().lateRecordDrops).toBe(1);
  });
});

describe('sliding windows (Kafka Streams docs: "Sliding time windows"; both ends inclusive)', () => {
  it('creates the left window of each record and right windows where later records exist', () => {
    const b = new StreamsBuilder();
    const t = b
      .stream<string, number>('in', { keySerde: str, valueSerde: num })
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 1000))
      .reduce((a, v) => a + v, { cachingEnabled: false, valueSerde: num });
    windowedOutput(t, 'out');
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('a', 1, 10); // [0,10] = 1
    input.pipeInput('a', 2, 15); // [5,15] = 1+2 ; right window of 10: [11,21] = 2
    input.pipeInput('a', 3, 30); // [20,30] = 3
    expect(read(d, 'out')).toEqual([
      ['a@0-10', 1, 10],
      ['a@5-15', 3, 15],
      ['a@11-21', 2, 15],
      ['a@20-30', 3, 30],
    ]);
    input.pipeInput('a', 10, 12); // out of order: every window containing 12, plus its own left and right windows
    expect(read(d, 'out')).toEqual([
      ['a@2-12', 11, 12],
      ['a@5-15', 13, 15],
      ['a@11-21', 12, 15],
      ['a@13-23', 2, 15],
    ]);
  });

  it('drops records whose windows all closed', () => {
    const b = new StreamsBuilder();
    const t = b
      .stream<string, number>('in', { keySerde: str, valueSerde: num })
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10))
      .reduce((a, v) => a + v, { cachingEnabled: false, valueSerde: num });
    windowedOutput(t, 'out');
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('a', 1, 100);
    input.pipeInput('a', 1, 50);
    expect(read(d, 'out')).toEqual([['a@90-100', 1, 100]]);
    expect(d.metrics().lateRecordDrops).toBe(1);
  });
});

describe('session windows (Kafka Streams docs: "Session Windows": merge, tombstones for merged sessions)', () => {
  it('merges sessions closer than the gap and emits a tombstone for every merged-away session', () => {
    const b = new StreamsBuilder();
    const t = b
      .stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 100))
      .count({ cachingEnabled: false, storeName: 'sessions' });
    t.toStream()
      .map((wk, v) => [`${wk.key}@${wk.window.start}-${wk.window.end}`, v] as [string, number])
      .to('out', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, str);
    input.pipeInput('a', 'x', 0);
    input.pipeInput('a', 'x', 10); // 10 − 0 > gap: a second session
    input.pipeInput('a', 'x', 4); // joins [0,0] → [0,4]
    input.pipeInput('a', 'x', 7); // bridges [0,4] and [10,10] → [0,10]
    expect(read(d, 'out')).toEqual([
      ['a@0-0', 1, 0],
      ['a@10-10', 1, 10],
      ['a@0-0', null, 0],
      ['a@0-4', 2, 4],
      ['a@0-4', null, 4],
      ['a@10-10', null, 10],
      ['a@0-10', 4, 10],
    ]);
    const sessions = d.getSessionStore<string, number>('sessions').fetch('a').toArray();
    expect(sessions.map((s) => [s.key.window.start, s.key.window.end, s.value])).toEqual([[0, 10, 4]]);
  });

  it('drops a record whose merged session ended before stream time − grace', () => {
    const b = new StreamsBuilder();
    const t = b
      .stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
      .count({ cachingEnabled: false });
    t.toStream()
      .map((wk, v) => [`${wk.key}@${wk.window.start}-${wk.window.end}`, v] as [string, number])
      .to('out', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, str);
    input.pipeInput('a', 'x', 100);
    input.pipeInput('a', 'x', 10);
    expect(read(d, 'out')).toEqual([['a@100-100', 1, 100]]);
    expect(d.metrics().lateRecordDrops).toBe(1);
  });
});

describe('TimeWindowedKStream.emitOnWindowClose (Kafka Streams KIP-825 EmitStrategy.onWindowClose)', () => {
  function build(windows: TimeWindows, intervalMs: number, cachingEnabled = true) {
    const b = new StreamsBuilder();
    const t = b
      .stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(windows)
      .emitOnWindowClose(intervalMs)
      .count({ cachingEnabled });
    windowedOutput(t, 'out');
    // Commits only when the test says (the driver's default commits, and so empties the cache,
    // after every record).
    const d = new TopologyTestDriver(b.build(), { initialWallClockTimeMs: 0, commitEveryRecords: 0 });
    return { d, input: d.createInputTopic('in', str, str) };
  }

  it('emits no updates, only final counts of closed windows, ordered by window start then key', () => {
    const { d, input } = build(TimeWindows.ofSizeAndGrace(10, 5), 0);
    input.pipeInput('b', 'x', 2);
    input.pipeInput('a', 'x', 4);
    input.pipeInput('a', 'x', 9);
    input.pipeInput('a', 'x', 12);
    input.pipeInput('a', 'x', 1); // stream time 12 < 10 + 5: still counts
    expect(read(d, 'out')).toEqual([]);
    input.pipeInput('c', 'x', 15); // close time 10: [0,10) closed
    expect(read(d, 'out')).toEqual([
      ['a@0-10', 3, 9],
      ['b@0-10', 1, 2],
    ]);
    input.pipeInput('a', 'x', 3); // late for [0,10): dropped, nothing re-emitted
    expect(read(d, 'out')).toEqual([]);
  });

  it('emits the same final windows with and without the cache, across commits and late records', () => {
    const outputs = [true, false].map((caching) => {
      const { d, input } = build(TimeWindows.ofSizeAndGrace(10, 3).advanceBy(5), 0, caching);
      let seed = 7;
      for (let i = 0; i < 400; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        // mostly in order, sometimes a few milliseconds late (some beyond the grace period)
        const ts = i - (seed % 10 === 0 ? seed % 17 : 0);
        input.pipeInput(`k${seed % 5}`, 'x', Math.max(0, ts));
        if (i % 37 === 0) d.commit();
      }
      return read(d, 'out');
    });
    expect(outputs[0]!.length).toBeGreaterThan(100);
    expect(outputs[0]).toEqual(outputs[1]);
  });

  it('looks for closed windows at most once per interval of wall-clock time', () => {
    const { d, input } = build(TimeWindows.ofSizeAndGrace(10, 0), 500);
    input.pipeInput('a', 'x', 1);
    input.pipeInput('a', 'x', 10); // [0,10) closed, but the next look is due at wall clock 500
    expect(read(d, 'out')).toEqual([]);
    d.advanceWallClockTime(500);
    input.pipeInput('a', 'x', 11);
    expect(read(d, 'out')).toEqual([['a@0-10', 1, 1]]);
  });
});
