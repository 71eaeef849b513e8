import { describe, expect, it } from 'vitest';
import { JoinWindows, Serdes, StreamsBuilder, TopologyTestDriver } from '@meterstream/streams';

const str = Serdes.string();

describe('joins (Kafka Streams docs: "Joining")', () => {
  it('KStream–KTable join / leftJoin: only stream records trigger output, using the table value at that time', () => {
    const b = new StreamsBuilder();
    const table = b.table<string, string>('table', { keySerde: str, valueSerde: str });
    const stream = b.stream<string, string>('stream', { keySerde: str, valueSerde: str });
    stream.join(table, (s, t) => `${s}+${t}`).to('inner', { keySerde: str, valueSerde: str });
    stream.leftJoin(table, (s, t) => `${s}+${t}`).to('left', { keySerde: str, valueSerde: str });
    const topology = b.build();
    // Both sides must be co-partitioned; the runtime checks these groups (Kafka docs: "Join co-partitioning requirements").
    expect(topology.copartitionGroups('app')).toEqual([
      ['stream', 'table'],
      ['stream', 'table'],
    ]);
    expect(topology.subtopologies()).toHaveLength(1);
    const d = new TopologyTestDriver(topology);
    const tIn = d.createInputTopic('table', str, str);
    const sIn = d.createInputTopic('stream', str, str);
    sIn.pipeInput('a', 'x', 1); // table empty
    tIn.pipeInput('a', 'T1', 2); // table updates never trigger output
    sIn.pipeInput('a', 'y', 3);
    tIn.pipeInput('a', null, 4); // delete
    sIn.pipeInput('a', 'z', 5);
    const inner = d.createOutputTopic('inner', str, str).readRecordsToList();
    expect(inner.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 'y+T1', 3]]);
    expect(d.createOutputTopic('left', str, str).readValuesToList()).toEqual(['x+null', 'y+T1', 'z+null']);
  });

  it('KTable–KTable join: output on updates of either side, tombstone when the join no longer holds', () => {
    const b = new StreamsBuilder();
    const left = b.table<string, string>('left', { keySerde: str, valueSerde: str });
    const right = b.table<string, string>('right', { keySerde: str, valueSerde: str });
    left
      .join(right, (l, r) => `${l}${r}`)
      .toStream()
      .to('inner', { keySerde: str, valueSerde: str });
    left
      .leftJoin(right, (l, r) => `${l}${r}`)
      .toStream()
      .to('leftjoin', { keySerde: str, valueSerde: str });
    const d = new TopologyTestDriver(b.build());
    const l = d.createInputTopic('left', str, str);
    const r = d.createInputTopic('right', str, str);
    l.pipeInput('a', '1', 1);
    r.pipeInput('a', 'A', 2);
    l.pipeInput('a', '2', 3);
    r.pipeInput('a', null, 4);
    l.pipeInput('b', '3', 5);
    const inner = d.createOutputTopic('inner', str, str).readRecordsToList();
    expect(inner.map((x) => [x.key, x.value, x.timestamp])).toEqual([
      ['a', '1A', 2],
      ['a', '2A', 3],
      ['a', null, 4],
    ]);
    expect(d.createOutputTopic('leftjoin', str, str).readKeyValuesToList()).toEqual([
      { key: 'a', value: '1null' },
      { key: 'a', value: '1A' },
      { key: 'a', value: '2A' },
      { key: 'a', value: '2null' },
      { key: 'b', value: '3null' },
    ]);
  });

  it('KStream–KStream windowed join: records of both sides within the join window, result at the larger timestamp', () => {
    const b = new StreamsBuilder();
    const left = b.stream<string, string>('left', { keySerde: str, valueSerde: str });
    const right = b.stream<string, string>('right', { keySerde: str, valueSerde: str });
    left
      .join(right, (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceAndGrace(10, 100), {
        valueSerde: str,
        otherValueSerde: str,
        keySerde: str,
      })
      .to('joined', { keySerde: str, valueSerde: str });
    const d = new TopologyTestDriver(b.build());
    const l = d.createInputTopic('left', str, str);
    const r = d.createInputTopic('right', str, str);
    l.pipeInput('a', 'l1', 0);
    r.pipeInput('a', 'r1', 5); // |5 − 0| ≤ 10 → joins l1
    r.pipeInput('a', 'r2', 20); // 20 − 0 > 10 → no match
    r.pipeInput('b', 'rb', 20); // other key
    l.pipeInput('a', 'l2', 15); // joins r1 (5 ≥ 15 − 10) and r2 (20 ≤ 15 + 10)
    const out = d.createOutputTopic('joined', str, str).readRecordsToList();
    expect(out.map((x) => [x.key, x.value, x.timestamp])).toEqual([
      ['a', 'l1+r1', 5],
      ['a', 'l2+r1', 15],
      ['a', 'l2+r2', 20],
    ]);
  });
});
