import { describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder, Suppressed, TimeWindows, TopologyTestDriver } from '@meterstream/streams';

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

  it('copies the buffer to its change-logged store on flush: still-buffered windows only, tombstones for copied windows once emitted', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count({ cachingEnabled: false })
      .suppress(Suppressed.untilWindowCloses({ name: 'final' }))
      .toStream()
      .map((wk, v) => [`${wk.key}@${wk.window.start}`, v] as [string, number])
      .to('final', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build(), { commitEveryRecords: 0 });
    const input = d.createInputTopic('in', str, str);
    const out = d.createOutputTopic('final', str, num);
    const copy = d.getKeyValueStore<Buffer, Buffer>('final-store');
    const copied = () => {
      const it = copy.all();
      try {
        // Store key: [window end 8 B][window start 8 B][key bytes (the table's key serde: JSON here)].
        return [...it].map(
          ({ key }) => `${JSON.parse(key.subarray(16).toString())}@${key.readBigInt64BE(8)}`,
        );
      } finally {
        it.close();
      }
    };
    input.pipeInput('a', 'x', 1);
    input.pipeInput('b', 'x', 2);
    expect(copied(), 'nothing is written before the flush').toEqual([]);
    d.commit();
    expect(copied()).toEqual(['a@0', 'b@0']);
    input.pipeInput('c', 'x', 13); // [0,10) closes: a@0 and b@0 emitted, their copies deleted
    input.pipeInput('c', 'x', 24); // [10,20) closes: c@10 arrived and left between two flushes
    expect(out.readRecordsToList().map((r) => [r.key, r.value])).toEqual([
      ['a@0', 1],
      ['b@0', 1],
      ['c@10', 1],
    ]);
    expect(copied(), 'tombstones are written at emission').toEqual([]);
    d.commit();
    expect(copied(), 'c@10 never reached the store; c@20 is still buffered').toEqual(['c@20']);
  });
});
