import { describe, expect, it } from 'vitest';
import {
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  Record,
  type RecordMetadata,
  Serdes,
  Stores,
  Topology,
  TopologyTestDriver,
} from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

/** Counts per key in a store; forwards all counts on each punctuation. */
class CountingProcessor implements Processor<string, string, string, number> {
  private ctx!: ProcessorContext<string, number>;
  private store!: KeyValueStore<string, number>;
  readonly metadata: (RecordMetadata | null)[] = [];
  readonly wallPunctuations: number[] = [];

  init(context: ProcessorContext<string, number>): void {
    this.ctx = context;
    this.store = context.getStateStore('counts');
    context.schedule(10, 'STREAM_TIME', (ts) => {
      for (const { key, value } of this.store.all()) this.ctx.forward(new Record(key, value, ts));
    });
    context.schedule(1000, 'WALL_CLOCK_TIME', (ts) => this.wallPunctuations.push(ts));
  }

  process(record: Record<string, string>): void {
    this.metadata.push(this.ctx.recordMetadata());
    this.store.put(record.key, (this.store.get(record.key) ?? 0) + 1);
  }
}

describe('Processor API (Kafka Streams docs: "Processor API": processors, state stores, punctuation)', () => {
  function setup() {
    let processor!: CountingProcessor;
    const topology = new Topology()
      .addSource('source', ['in'], { keySerde: str, valueSerde: str })
      .addProcessor('counter', () => (processor = new CountingProcessor()), 'source')
      .addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), str, num).withCachingDisabled(),
        'counter',
      )
      .addSink('sink', 'out', { keySerde: str, valueSerde: num }, 'counter');
    const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0 });
    return { driver, processor: () => processor };
  }

  it('gives processors their store and record metadata (topic, partition, offset)', () => {
    const { driver, processor } = setup();
    const input = driver.createInputTopic('in', str, str);
    input.pipeInput('a', 'x', 1);
    input.pipeInput('a', 'x', 2);
    expect(driver.getKeyValueStore<string, number>('counts').get('a')).toBe(2);
    expect(processor().metadata).toEqual([
      { topic: 'in', partition: 0, offset: 0 },
      { topic: 'in', partition: 0, offset: 1 },
    ]);
  });

  it('STREAM_TIME punctuators fire when stream time passes the next interval, once for missed intervals', () => {
    const { driver } = setup();
    const input = driver.createInputTopic('in', str, str);
    const out = driver.createOutputTopic('out', str, num);
    input.pipeInput('a', 'x', 5); // first schedule at 0 + 10: not yet
    expect(out.isEmpty()).toBe(true);
    input.pipeInput('b', 'x', 10); // stream time 10 → fires at 10
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['a', 1, 10],
      ['b', 1, 10],
    ]);
    input.pipeInput('a', 'x', 3); // stream time stays 10
    expect(out.isEmpty()).toBe(true);
    input.pipeInput('a', 'x', 45); // skips 20, 30, 40: fires once at 45
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['a', 3, 45],
      ['b', 1, 45],
    ]);
  });

  it('WALL_CLOCK_TIME punctuators follow advanceWallClockTime, not record time', () => {
    const { driver, processor } = setup();
    driver.createInputTopic('in', str, str).pipeInput('a', 'x', 1_000_000);
    expect(processor().wallPunctuations).toEqual([]);
    driver.advanceWallClockTime(999);
    expect(processor().wallPunctuations).toEqual([]);
    driver.advanceWallClockTime(1);
    driver.advanceWallClockTime(2500);
    expect(processor().wallPunctuations).toEqual([1000, 3500]);
  });

  it('rejects access to a store the processor is not connected to', () => {
    const topology = new Topology()
      .addSource('source', ['in'], { keySerde: str, valueSerde: str })
      .addProcessor(
        'p',
        () => ({
          init: (ctx: ProcessorContext) => {
            ctx.getStateStore('other');
          },
          process: () => {},
        }),
        'source',
      )
      .addProcessor('q', () => ({ process: () => {} }), 'source')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('other'), str, num), 'q');
    expect(() => new TopologyTestDriver(topology)).toThrow(/not connected to state store other/);
  });

  it('internal topics: logged stores need <app>-<store>-changelog (compacted)', () => {
    const { driver } = setup();
    expect(driver.topology.internalTopics('meters')).toEqual([
      {
        name: 'meters-counts-changelog',
        kind: 'changelog',
        config: { 'cleanup.policy': 'compact' },
        subtopology: 0,
      },
    ]);
  });
});
