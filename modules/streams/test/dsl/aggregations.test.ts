import { describe, expect, it } from 'vitest';
import { Materialized, Serdes, StreamsBuilder, TimeWindows, TopologyTestDriver } from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

function build(cachingEnabled: boolean) {
  const b = new StreamsBuilder();
  const grouped = b.stream<string, number>('in', { keySerde: str, valueSerde: num }).groupByKey();
  grouped
    .count({ storeName: 'count', cachingEnabled })
    .toStream()
    .to('count', { keySerde: str, valueSerde: num });
  grouped
    .reduce((a, v) => a + v, { storeName: 'sum', valueSerde: num, cachingEnabled })
    .toStream()
    .to('sum', { keySerde: str, valueSerde: num });
  grouped
    .aggregate(
      () => '',
      (_k, v, agg) => `${agg}${v}`,
      { storeName: 'concat', valueSerde: str, cachingEnabled },
    )
    .toStream()
    .to('concat', { keySerde: str, valueSerde: str });
  grouped
    .windowedBy(TimeWindows.ofSizeWithNoGrace(100))
    .count({ storeName: 'wcount', cachingEnabled })
    .toStream()
    .map((wk, v) => [`${wk.key}@${wk.window.start}`, v] as [string, number])
    .to('wcount', { keySerde: str, valueSerde: num });
  return b.build();
}

const INPUT: [string, number, number][] = [
  ['a', 1, 10],
  ['a', 2, 20],
  ['b', 3, 30],
  ['a', 4, 40],
];

describe('count / reduce / aggregate update streams (Kafka Streams docs: "Aggregating" and "Record caches in the DSL")', () => {
  it('caching off: every input record produces an update downstream', () => {
    const d = new TopologyTestDriver(build(false), { commitEveryRecords: 0 });
    const input = d.createInputTopic('in', str, num);
    for (const [k, v, ts] of INPUT) input.pipeInput(k, v, ts);
    // No commit yet: with caching off updates are forwarded at once.
    expect(d.createOutputTopic('count', str, num).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 },
      { key: 'a', value: 2 },
      { key: 'b', value: 1 },
      { key: 'a', value: 3 },
    ]);
    expect(d.createOutputTopic('sum', str, num).readValuesToList()).toEqual([1, 3, 3, 7]);
    expect(d.createOutputTopic('concat', str, str).readValuesToList()).toEqual(['1', '12', '3', '124']);
    expect(d.createOutputTopic('wcount', str, num).readKeyValuesToList()).toEqual([
      { key: 'a@0', value: 1 },
      { key: 'a@0', value: 2 },
      { key: 'b@0', value: 1 },
      { key: 'a@0', value: 3 },
    ]);
    d.close();
  });

  it('caching on: one update per key per commit, carrying the latest value', () => {
    const d = new TopologyTestDriver(build(true), { commitEveryRecords: 0 });
    const input = d.createInputTopic('in', str, num);
    for (const [k, v, ts] of INPUT) input.pipeInput(k, v, ts);
    const count = d.createOutputTopic('count', str, num);
    expect(count.isEmpty()).toBe(true); // nothing before the commit
    d.commit();
    const counts = count.readRecordsToList();
    expect(counts).toHaveLength(2);
    expect(new Map(counts.map((r) => [r.key, r.value]))).toEqual(
      new Map([
        ['a', 3],
        ['b', 1],
      ]),
    );
    // The forwarded timestamp is the latest input timestamp of the key.
    expect(counts.find((r) => r.key === 'a')?.timestamp).toBe(40);
    expect(
      new Map(
        d
          .createOutputTopic('sum', str, num)
          .readKeyValuesToList()
          .map((r) => [r.key, r.value]),
      ),
    ).toEqual(
      new Map([
        ['a', 7],
        ['b', 3],
      ]),
    );
    expect(d.createOutputTopic('concat', str, str).readValuesToList().sort()).toEqual(['124', '3']);
    expect(d.createOutputTopic('wcount', str, num).readKeyValuesToList()).toHaveLength(2);

    // Second commit interval: only keys updated since the last commit are emitted.
    input.pipeInput('b', 5, 50);
    input.pipeInput('b', 6, 60);
    d.commit();
    expect(count.readKeyValuesToList()).toEqual([{ key: 'b', value: 3 }]);
    d.commit();
    expect(count.isEmpty()).toBe(true);
    // The stores hold the same values whatever the caching.
    expect(d.getKeyValueStore<string, { value: number }>('count').get('a')?.value).toBe(3);
    d.close();
  });

  it("the driver's default commits after every record, so caching on still shows every update (as Kafka's TopologyTestDriver)", () => {
    const d = new TopologyTestDriver(build(true));
    const input = d.createInputTopic('in', str, num);
    for (const [k, v, ts] of INPUT) input.pipeInput(k, v, ts);
    expect(d.createOutputTopic('count', str, num).readValuesToList()).toEqual([1, 2, 1, 3]);
  });

  it('Materialized.as names a queryable store; records with a null key are skipped and counted', () => {
    const b = new StreamsBuilder();
    b.stream<string, number>('in', { keySerde: str, valueSerde: num })
      .groupByKey()
      .count(Materialized.as('named'));
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('k', 1, 0);
    input.pipeInput(null, 1, 0);
    expect(d.getKeyValueStore<string, { value: number }>('named').get('k')?.value).toBe(1);
    expect(d.metrics().nullKeyOrValueSkips).toBe(1);
  });
});
