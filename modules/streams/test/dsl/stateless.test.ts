import { describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder, TopologyTestDriver } from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

describe('stateless KStream operations (Kafka Streams DSL: "Stateless transformations")', () => {
  it('filter, filterNot, mapValues, map, flatMap, flatMapValues, selectKey, peek, foreach', () => {
    const b = new StreamsBuilder();
    const src = b.stream<string, number>('in', { keySerde: str, valueSerde: num });
    const peeked: string[] = [];
    const each: string[] = [];
    src.filter((_k, v) => v % 2 === 0).to('even', { keySerde: str, valueSerde: num });
    src.filterNot((_k, v) => v % 2 === 0).to('odd', { keySerde: str, valueSerde: num });
    src.mapValues((v) => v * 10).to('times10', { keySerde: str, valueSerde: num });
    src.map((k, v) => [`${k}!`, v + 1] as [string, number]).to('mapped', { keySerde: str, valueSerde: num });
    src
      .flatMap((k, v) => Array.from({ length: v }, (_, i) => [`${k}${i}`, i] as [string, number]))
      .to('flat', { keySerde: str, valueSerde: num });
    src.flatMapValues((v) => [v, -v]).to('flatValues', { keySerde: str, valueSerde: num });
    src
      .selectKey((_k, v) => `v${v}`)
      .peek((k, v) => peeked.push(`${k}=${v}`))
      .to('rekeyed', { keySerde: str, valueSerde: num });
    src.foreach((k, v) => each.push(`${k}:${v}`));

    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('a', 1, 10);
    input.pipeInput('b', 2, 20);
    const out = (t: string) => d.createOutputTopic(t, str, num).readKeyValuesToList();
    expect(out('even')).toEqual([{ key: 'b', value: 2 }]);
    expect(out('odd')).toEqual([{ key: 'a', value: 1 }]);
    expect(out('times10')).toEqual([
      { key: 'a', value: 10 },
      { key: 'b', value: 20 },
    ]);
    expect(out('mapped')).toEqual([
      { key: 'a!', value: 2 },
      { key: 'b!', value: 3 },
    ]);
    expect(out('flat')).toEqual([
      { key: 'a0', value: 0 },
      { key: 'b0', value: 0 },
      { key: 'b1', value: 1 },
    ]);
    expect(out('flatValues')).toEqual([
      { key: 'a', value: 1 },
      { key: 'a', value: -1 },
      { key: 'b', value: 2 },
      { key: 'b', value: -2 },
    ]);
    expect(out('rekeyed')).toEqual([
      { key: 'v1', value: 1 },
      { key: 'v2', value: 2 },
    ]);
    expect(peeked).toEqual(['v1=1', 'v2=2']);
    expect(each).toEqual(['a:1', 'b:2']);
    d.close();
  });

  it('keeps the input timestamp and headers through stateless operations', () => {
    const b = new StreamsBuilder();
    b.stream<string, number>('in', { keySerde: str, valueSerde: num })
      .mapValues((v) => v + 1)
      .to('out', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    d.createInputTopic('in', str, num).pipeInput('a', 1, 1234, [{ key: 'trace', value: Buffer.from('t1') }]);
    const r = d.createOutputTopic('out', str, num).readRecord();
    expect(r.timestamp).toBe(1234);
    expect(r.headers).toEqual([{ key: 'trace', value: Buffer.from('t1') }]);
  });

  it('to() with a topic chooser routes each record to the topic it names (TopicNameExtractor)', () => {
    const b = new StreamsBuilder();
    b.stream<string, number>('in', { keySerde: str, valueSerde: num }).to((k) => `per-key-${k}`, {
      keySerde: str,
      valueSerde: num,
    });
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('x', 1, 0);
    input.pipeInput('y', 2, 0);
    input.pipeInput('x', 3, 0);
    expect(d.createOutputTopic('per-key-x', str, num).readValuesToList()).toEqual([1, 3]);
    expect(d.createOutputTopic('per-key-y', str, num).readValuesToList()).toEqual([2]);
  });

  it('split() sends each record to the first matching branch; merge() interleaves streams (Kafka docs: "split", "merge")', () => {
    const b = new StreamsBuilder();
    const branches = b
      .stream<string, number>('in', { keySerde: str, valueSerde: num })
      .split({ name: 'size-' })
      .branch((_k, v) => v < 10, { name: 'small' })
      .branch((_k, v) => v < 100, { name: 'medium' })
      .defaultBranch();
    expect([...branches.keys()]).toEqual(['size-small', 'size-medium', 'size-0']);
    branches.get('size-0')!.to('large', { keySerde: str, valueSerde: num });
    branches
      .get('size-small')!
      .merge(branches.get('size-medium')!)
      .to('not-large', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, num);
    for (const v of [5, 50, 500, 7]) input.pipeInput('k', v, 0);
    expect(d.createOutputTopic('not-large', str, num).readValuesToList()).toEqual([5, 50, 7]);
    expect(d.createOutputTopic('large', str, num).readValuesToList()).toEqual([500]);
  });

  it('split() without default branch drops unmatched records; unnamed branches are numbered from 1', () => {
    const b = new StreamsBuilder();
    const branches = b
      .stream<string, number>('in', { keySerde: str, valueSerde: num })
      .split({ name: 'p-' })
      .branch((_k, v) => v > 0)
      .noDefaultBranch();
    expect([...branches.keys()]).toEqual(['p-1']);
    branches.get('p-1')!.to('pos', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('k', -1, 0);
    input.pipeInput('k', 1, 0);
    expect(d.createOutputTopic('pos', str, num).readValuesToList()).toEqual([1]);
  });

  it('describe() prints sub-topologies, sources, processors, stores and sinks like Kafka Streams', () => {
    const b = new StreamsBuilder();
    b.stream<string, number>('in', { keySerde: str, valueSerde: num })
      .filter((_k, v) => v > 0)
      .to('out', { keySerde: str, valueSerde: num });
    expect(b.build().describe().toString()).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [in])',
        '      --> KSTREAM-FILTER-0000000001',
        '    Processor: KSTREAM-FILTER-0000000001 (stores: [])',
        '      --> KSTREAM-SINK-0000000002',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Sink: KSTREAM-SINK-0000000002 (topic: out)',
        '      <-- KSTREAM-FILTER-0000000001',
        '',
      ].join('\n'),
    );
  });
});
