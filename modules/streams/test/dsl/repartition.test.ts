import { describe, expect, it } from 'vitest';
import { Materialized, Serdes, StreamsBuilder, TopologyTestDriver } from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

describe('repartitioning (Kafka Streams docs: "Data re-partitioning", "repartition()")', () => {
  it('selectKey then groupByKey writes through <app>-<store>-repartition in a second sub-topology', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('clicks', { keySerde: str, valueSerde: str })
      .selectKey((_user, region) => region)
      .groupByKey({ keySerde: str, valueSerde: str })
      .count(Materialized.as('clicks-per-region'))
      .toStream()
      .to('region-counts', { keySerde: str, valueSerde: num });
    const topology = b.build();
    const desc = topology.describe();
    expect(desc.subtopologies).toHaveLength(2);
    expect(desc.subtopologies[0].sinkTopics).toEqual(['clicks-per-region-repartition']);
    expect(desc.subtopologies[1].sourceTopics).toEqual(['clicks-per-region-repartition']);
    expect(desc.toString()).toContain(
      'Sink: clicks-per-region-repartition-sink (topic: clicks-per-region-repartition)',
    );
    expect(topology.internalTopics('app').map((t) => [t.name, t.kind, t.config['cleanup.policy']])).toEqual([
      ['app-clicks-per-region-repartition', 'repartition', 'delete'],
      ['app-clicks-per-region-changelog', 'changelog', 'compact'],
    ]);

    const d = new TopologyTestDriver(topology, { applicationId: 'app' });
    const input = d.createInputTopic('clicks', str, str);
    input.pipeInput('alice', 'eu', 1);
    input.pipeInput('bob', 'us', 2);
    input.pipeInput('carol', 'eu', 3);
    expect(d.createOutputTopic('region-counts', str, num).readKeyValuesToList()).toEqual([
      { key: 'eu', value: 1 },
      { key: 'us', value: 1 },
      { key: 'eu', value: 2 },
    ]);
  });

  it('groupBy re-keys and repartitions; a key-preserving chain needs no repartition', () => {
    const b = new StreamsBuilder();
    const s = b.stream<string, string>('in', { keySerde: str, valueSerde: str });
    s.mapValues((v) => v.toUpperCase())
      .groupByKey()
      .count();
    s.groupBy((_k, v) => v, { keySerde: str }).count({ storeName: 'by-value' });
    const topology = b.build();
    expect(topology.subtopologies()).toHaveLength(2);
    expect(
      topology
        .internalTopics('x')
        .filter((t) => t.kind === 'repartition')
        .map((t) => t.name),
    ).toEqual(['x-by-value-repartition']);
  });

  it('repartition() makes an explicit repartition topic with the requested partition count', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: str, valueSerde: str })
      .repartition({ name: 'rebalanced', numberOfPartitions: 8 })
      .to('out', { keySerde: str, valueSerde: str });
    const topology = b.build();
    expect(topology.internalTopics('app')).toEqual([
      expect.objectContaining({ name: 'app-rebalanced-repartition', kind: 'repartition', partitions: 8 }),
    ]);
    const d = new TopologyTestDriver(topology, { applicationId: 'app' });
    d.createInputTopic('in', str, str).pipeInput('k', 'v', 7);
    expect(d.createOutputTopic('out', str, str).readRecord()).toMatchObject({
      key: 'k',
      value: 'v',
      timestamp: 7,
    });
  });
});
