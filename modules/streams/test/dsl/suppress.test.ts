import { describe, expect, it, vi } from 'vitest';
import {
  type InMemoryBufferStore,
  Serdes,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyTestDriver,
} from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

describe('suppress(untilWindowCloses) (Kafka Streams docs: "Window Final Results")', () => {
  it('emits each window once, when window end + grace ≤ stream time, with the final value', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
      .count()
      .suppress(Suppressed.untilWindowCloses())
      .toStream()
      .map((wk, v) => [`${wk.key}@${wk.window.start}`, v] as [string, number])
      .to('final', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, str);
    const out = d.createOutputTopic('final', str, num);
    input.pipeInput('a', 'x', 1);
    input.pipeInput('a', 'x', 3);
    input.pipeInput('b', 'x', 4);
    input.pipeInput('a', 'x', 12);
    input.pipeInput('a', 'x', 14); // stream time 14 < 10 + 5: [0,10) still open
    expect(out.isEmpty()).toBe(true);
    input.pipeInput('a', 'x', 15); // [0,10) closes
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['a@0', 2, 3],
      ['b@0', 1, 4],
    ]);
    input.pipeInput('a', 'x', 2); // late: dropped, and nothing re-emitted
    input.pipeInput('b', 'x', 24);
    expect(out.isEmpty()).toBe(true);
    input.pipeInput('b', 'x', 25); // [10,20) closes
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([['a@10', 3, 15]]);
    expect(d.metrics().lateRecordDrops).toBe(1);
  });

  it('writes the buffer to its changelog on flush: still-buffered windows only, tombstones for written windows once emitted', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ cachingEnabled: false })
      .suppress(Suppressed.untilWindowCloses({ name: 'final' }))
      .toStream()
      .map((wk, v) => [`${wk.key}@${wk.window.start}`, v] as [string, number])
      .to('final', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build(), { commitEveryRecords: 0, captureChangelogs: true });
    const input = d.createInputTopic('in', str, str);
    const out = d.createOutputTopic('final', str, num);
    const changelog = d.createOutputTopic(
      'test-driver-final-store-changelog',
      Serdes.bytes(),
      Serdes.bytes(),
    );
    // Changelog key: [window end 8 B][window start 8 B][key bytes (the table's key serde: JSON here)].
    const written = () =>
      changelog
        .readRecordsToList()
        .map(
          ({ key, value }) =>
            `${JSON.parse(key!.subarray(16).toString())}@${key!.readBigInt64BE(8)} ${value === null ? 'tombstone' : 'put'}`,
        );
    input.pipeInput('a', 'x', 1);
    input.pipeInput('b', 'x', 2);
    expect(written(), 'nothing is written before the flush').toEqual([]);
    d.commit();
    expect(written()).toEqual(['a@0 put', 'b@0 put']);
    input.pipeInput('c', 'x', 13); // [0,10) closes: a@0 and b@0 emitted, tombstones for them
    input.pipeInput('c', 'x', 24); // [10,20) closes: c@10 arrived and left between two flushes
    expect(out.readRecordsToList().map((r) => [r.key, r.value])).toEqual([
      ['a@0', 1],
      ['b@0', 1],
      ['c@10', 1],
    ]);
    expect(written(), 'tombstones are written at emission').toEqual(['a@0 tombstone', 'b@0 tombstone']);
    d.commit();
    expect(written(), 'c@10 is never written; c@20 is still buffered').toEqual(['c@20 put']);
  });

  it('writes nothing for its buffer when no changelog is written (the in-memory buffer is the only copy)', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .suppress(Suppressed.untilWindowCloses({ name: 'final' }))
      .toStream()
      .map((wk, v) => [`${wk.key}@${wk.window.start}`, v] as [string, number])
      .to('final', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build(), { commitEveryRecords: 1 });
    const input = d.createInputTopic('in', str, str);
    const out = d.createOutputTopic('final', str, num);
    const buffer = d.getStateStore('final-store') as InMemoryBufferStore;
    const put = vi.spyOn(buffer, 'put');
    expect(buffer.isDurable()).toBe(false);
    input.pipeInput('a', 'x', 1);
    input.pipeInput('a', 'x', 12);
    expect(out.readRecordsToList().map((r) => [r.key, r.value])).toEqual([['a@0', 1]]);
    expect(
      put,
      'no write: buffered, flushed (every record) and emitted without touching the store',
    ).not.toHaveBeenCalled();
  });
});
