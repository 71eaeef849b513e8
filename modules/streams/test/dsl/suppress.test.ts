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
});
