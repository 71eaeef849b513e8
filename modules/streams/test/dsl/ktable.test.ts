import { describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder, TopologyTestDriver } from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

describe('KTable (Kafka Streams docs: "KTable", "Stateless transformations" on tables)', () => {
  it('table(): latest value per key, null deletes; filter turns filtered-out values into tombstones', () => {
    const b = new StreamsBuilder();
    const t = b.table<string, number>('t', { keySerde: str, valueSerde: num }, { storeName: 'latest' });
    t.toStream().to('all', { keySerde: str, valueSerde: num });
    t.filter((_k, v) => v >= 10)
      .mapValues((v) => v * 2)
      .toStream()
      .to('big-doubled', { keySerde: str, valueSerde: num });
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('t', str, num);
    input.pipeInput('a', 5, 1); // filtered out, nothing was there: no output
    input.pipeInput('a', 20, 2); // passes
    input.pipeInput('a', 7, 3); // no longer passes: tombstone
    input.pipeInput('a', null, 4); // delete of a filtered-out value: nothing downstream of the filter
    expect(d.createOutputTopic('all', str, num).readKeyValuesToList()).toEqual([
      { key: 'a', value: 5 },
      { key: 'a', value: 20 },
      { key: 'a', value: 7 },
      { key: 'a', value: null },
    ]);
    expect(d.createOutputTopic('big-doubled', str, num).readKeyValuesToList()).toEqual([
      { key: 'a', value: 40 },
      { key: 'a', value: null },
    ]);
    expect(d.getKeyValueStore('latest').get('a')).toBeUndefined();
  });
});
