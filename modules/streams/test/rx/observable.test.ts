import { from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder, TopologyTestDriver } from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

describe('rxjs interop', () => {
  it('a KStream can be observed, and an Observable can feed an input topic', async () => {
    const b = new StreamsBuilder();
    const doubled = b
      .stream<string, number>('in', { keySerde: str, valueSerde: num })
      .mapValues((v) => v * 2);
    const observed = doubled.toObservable();
    const collected = new Promise((resolve) => observed.pipe(toArray()).subscribe(resolve));
    const d = new TopologyTestDriver(b.build());
    const input = d.createInputTopic('in', str, num);
    await input.pipeObservable(
      from([
        { key: 'a', value: 1, timestamp: 10 },
        { key: 'b', value: 2, timestamp: 20 },
      ]),
    );
    d.close(); // closing the last task completes the observable
    expect(await collected).toEqual([
      { key: 'a', value: 2, timestamp: 10 },
      { key: 'b', value: 4, timestamp: 20 },
    ]);
  });
});
