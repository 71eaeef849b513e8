import { describe, expect, it } from 'vitest';
import { JoinWindows, Serdes, StreamsBuilder, TopologyTestDriver } from '@meterstream/streams';

const str = Serdes.string();

describe('KStream#toTable', () => {
  it('after a key change, goes through <name>-repartition into a table whose store is named; null deletes', () => {
    const b = new StreamsBuilder();
    const table = b
      .stream<string, string>('in', { keySerde: str, valueSerde: str })
      .selectKey((_k, v) => (v === null ? 'gone' : v.split(':')[0]))
      .toTable({ name: 'ByPrefix' }, { storeName: 'ByPrefix-Store', keySerde: str, valueSerde: str });
    expect(table.queryableStoreName).toBe('ByPrefix-Store');
    table.toStream().to('out', { keySerde: str, valueSerde: str });
    const topology = b.build();
    expect(
      topology
        .internalTopics('app')
        .map((t) => t.name)
        .sort(),
    ).toEqual(['app-ByPrefix-Store-changelog', 'app-ByPrefix-repartition']);
    const d = new TopologyTestDriver(topology, { applicationId: 'app' });
    const input = d.createInputTopic('in', str, str);
    input.pipeInput('k1', 'a:1', 1);
    input.pipeInput('k2', 'a:2', 2);
    input.pipeInput('k3', 'b:1', 3);
    const out = d.createOutputTopic('out', str, str).readKeyValuesToList();
    expect(out).toEqual([
      { key: 'a', value: 'a:1' },
      { key: 'a', value: 'a:2' },
      { key: 'b', value: 'b:1' },
    ]);
    expect(d.getKeyValueStore<string, string>('ByPrefix-Store').get('a')).toEqual({
      value: 'a:2',
      timestamp: 2,
    });
  });

  it('without a key change reads the stream directly (no repartition topic) and a null value deletes the key', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: str, valueSerde: str })
      .toTable({}, { storeName: 'S', keySerde: str, valueSerde: str })
      .toStream()
      .to('out', { keySerde: str, valueSerde: str });
    const topology = b.build();
    expect(topology.internalTopics('app').map((t) => t.name)).toEqual(['app-S-changelog']);
    const d = new TopologyTestDriver(topology, { applicationId: 'app' });
    const input = d.createInputTopic('in', str, str);
    input.pipeInput('x', '1', 1);
    input.pipeInput('x', null, 2);
    expect(d.getKeyValueStore<string, string>('S').get('x')).toBeUndefined();
    expect(d.createOutputTopic('out', str, str).readValuesToList()).toEqual(['1', null]);
  });
});

describe('StreamJoined.storeNames', () => {
  it('names the window stores (and their changelogs) exactly, whatever the join’s name', () => {
    const b = new StreamsBuilder();
    const l = b.stream<string, string>('l', { keySerde: str, valueSerde: str });
    const r = b.stream<string, string>('r', { keySerde: str, valueSerde: str });
    l.leftJoin(r, (a, c) => `${a}+${c}`, JoinWindows.ofTimeDifferenceAndGrace(10, 0), {
      name: 'Join',
      keySerde: str,
      valueSerde: str,
      otherValueSerde: str,
      storeNames: { this: 'THIS-store', other: 'OTHER-store', outer: 'SHARED-store' },
    }).to('out', { keySerde: str, valueSerde: str });
    const topology = b.build();
    expect(
      topology
        .internalTopics('app')
        .map((t) => t.name)
        .sort(),
    ).toEqual(['app-OTHER-store-changelog', 'app-SHARED-store-changelog', 'app-THIS-store-changelog']);
    const d = new TopologyTestDriver(topology, { applicationId: 'app' });
    d.createInputTopic('l', str, str).pipeInput('k', 'L', 0);
    d.createInputTopic('r', str, str).pipeInput('k', 'R', 1);
    expect(d.createOutputTopic('out', str, str).readValuesToList()).toEqual(['L+R']);
  });
});
