import { describe, expect, it } from 'vitest';
import {
  changeSerde,
  Serdes,
  SessionWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyTestDriver,
} from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

/** users table: user → region; counts users per region. */
function regionCounts() {
  const b = new StreamsBuilder();
  b.table<string, string>('users', { keySerde: str, valueSerde: str })
    .groupBy<string, string>((user, region) => [region, user], {
      keySerde: str,
      valueSerde: str,
      name: 'by-region',
    })
    .count({ storeName: 'region-counts' })
    .toStream()
    .to('counts', { keySerde: str, valueSerde: num });
  return b;
}

describe('KTable.groupBy / KGroupedTable (Kafka Streams docs: "Aggregating" a KGroupedTable)', () => {
  it('a row moving to another group is subtracted from the old one and added to the new one', () => {
    const d = new TopologyTestDriver(regionCounts().build(), { applicationId: 'app' });
    const input = d.createInputTopic('users', str, str);
    input.pipeInput('alice', 'east', 1);
    input.pipeInput('bob', 'east', 2);
    input.pipeInput('alice', 'west', 3); // moves: east 2 → 1, west 0 → 1
    input.pipeInput('bob', null, 4); // deleted: east 1 → 0
    expect(d.createOutputTopic('counts', str, num).readKeyValuesToList()).toEqual([
      { key: 'east', value: 1 },
      { key: 'east', value: 2 },
      { key: 'east', value: 1 },
      { key: 'west', value: 1 },
      { key: 'east', value: 0 },
    ]);
    expect(d.getKeyValueStore<string, { value: number }>('region-counts').get('west')?.value).toBe(1);
  });

  it('an update within the same group is one Change(new, old) through the named repartition topic', () => {
    const b = new StreamsBuilder();
    b.table<string, string>('users', { keySerde: str, valueSerde: str })
      .groupBy<string, number>((_user, v) => [v.split(':')[0]!, Number(v.split(':')[1])], {
        keySerde: str,
        valueSerde: num,
        name: 'by-region',
      })
      .aggregate<number>(
        () => 0,
        (_k, v, sum) => sum + v,
        (_k, v, sum) => sum - v,
        { valueSerde: num, storeName: 'sums' },
      )
      .toStream()
      .to('sums', { keySerde: str, valueSerde: num });
    const topology = b.build();
    expect(topology.isRepartitionTopic('by-region-repartition')).toBe(true);
    const d = new TopologyTestDriver(topology, { applicationId: 'app' });
    const input = d.createInputTopic('users', str, str);
    input.pipeInput('a', 'east:5', 1);
    input.pipeInput('a', 'east:7', 2); // same group: 5 − 5 + 7 in one update
    expect(d.createOutputTopic('sums', str, num).readKeyValuesToList()).toEqual([
      { key: 'east', value: 5 },
      { key: 'east', value: 7 },
    ]);
  });

  it('changeSerde round-trips updates with either side missing', () => {
    const s = changeSerde(str);
    for (const c of [
      { newValue: 'n', oldValue: 'o' },
      { newValue: null, oldValue: 'o' },
      { newValue: 'n', oldValue: null },
      { newValue: '', oldValue: '' },
    ]) {
      expect(s.deserialize(s.serialize(c))).toEqual(c);
    }
  });

  it('suppress uses the key serde it is given for its buffer store', () => {
    const b = new StreamsBuilder();
    let used = 0;
    const countingKeys = {
      serialize: (k: unknown) => {
        used++;
        return str.serialize(k as string);
      },
      deserialize: (d: Buffer) => str.deserialize(d),
    };
    b.stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 0))
      .count({ storeName: 'c' })
      .suppress(Suppressed.untilWindowCloses({ name: 's', keySerde: countingKeys }));
    const d = new TopologyTestDriver(b.build(), { captureChangelogs: true, applicationId: 'app' });
    d.createInputTopic('in', str, str).pipeInput('k', 'v', 1);
    expect(used).toBeGreaterThan(0);
  });
});

describe('suppress over session windows (Kafka Streams: final results of SessionWindows)', () => {
  it('waits gap + grace after a session’s end and emits no tombstones of merged sessions', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 1))
      .count({ storeName: 'c' })
      .suppress(Suppressed.untilWindowCloses({ name: 's' }))
      .toStream()
      .map((w, n): [string, number] => [`${w.key}@${w.window.start}-${w.window.end}`, n])
      .to('final', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, str);
    const out = d.createOutputTopic('final', str, num);
    for (const ts of [0, 4, 8]) input.pipeInput('k', 'v', ts);
    // 13 is within the gap of 8: one session [0, 13] of 4 records, closed once stream time ≥ 13 + 5 + 1.
    input.pipeInput('k', 'v', 13);
    expect(out.readKeyValuesToList()).toEqual([]);
    input.pipeInput('x', 'v', 20);
    expect(out.readKeyValuesToList()).toEqual([{ key: 'k@0-13', value: 4 }]);
    expect(d.metrics().suppressionEmits).toBe(1);
  });

  it('a late record is one whose session ended more than gap + grace before stream time', () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: str, valueSerde: str })
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(30_000, 60_000))
      .count({ storeName: 'c' })
      .toStream()
      .map((w, n): [string, number | null] => [`${w.key}@${w.window.start}`, n])
      .to('counts', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, str);
    const out = d.createOutputTopic('counts', str, num);
    input.pipeInput('k', 'v', 0);
    input.pipeInput('k', 'v', 100_010);
    input.pipeInput('k', 'v', 10_009); // 10 009 < 100 010 − 60 000 − 30 000: late
    input.pipeInput('k', 'v', 20_000); // ends before stream time − grace, but within gap + grace: taken
    expect(out.readKeyValuesToList()).toEqual([
      { key: 'k@0', value: 1 },
      { key: 'k@100010', value: 1 },
      { key: 'k@20000', value: 1 },
    ]);
    expect(d.metrics().lateRecordDrops).toBe(1);
  });
});
