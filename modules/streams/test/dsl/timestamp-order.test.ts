import { describe, expect, it } from 'vitest';
import {
  type OutputRecord,
  PartitionGroup,
  type RawRecord,
  Serdes,
  StreamsBuilder,
  StreamTask,
} from '@meterstream/streams';

const str = Serdes.string();
const serdes = { keySerde: str, valueSerde: str };

function group(maxTaskIdleMs = 0) {
  return new PartitionGroup<RawRecord>({
    timestampOf: (r) => r.timestamp,
    offsetOf: (r) => r.offset,
    maxTaskIdleMs,
  });
}

function raw(topic: string, offset: number, timestamp: number, key: string, value: string | null): RawRecord {
  return {
    topic,
    partition: 0,
    offset,
    timestamp,
    key: Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
  };
}

/** Takes everything the group releases at `now`, in order. */
function drain(g: PartitionGroup<RawRecord>, now = 0, each?: (r: RawRecord) => void): string[] {
  const order: string[] = [];
  for (let n = g.next(now); n; n = g.next(now)) {
    g.pop(n.topic, n.partition);
    order.push(`${n.topic}@${n.record.timestamp}`);
    each?.(n.record);
  }
  return order;
}

describe('PartitionGroup: a task takes records in timestamp order across its inputs (Kafka Streams)', () => {
  it('picks the smallest head timestamp across partitions, keeping each partition in offset order', () => {
    const g = group();
    g.add('a', 0, [raw('a', 0, 5, 'k', 'x'), raw('a', 1, 1, 'k', 'y'), raw('a', 2, 9, 'k', 'z')], 3);
    g.add('b', 0, [raw('b', 0, 3, 'k', 'x'), raw('b', 1, 7, 'k', 'y')], 2);
    // a@1 sits behind a@5 in its partition: a partition's records are never reordered.
    expect(drain(g)).toEqual(['b@3', 'a@5', 'a@1', 'b@7', 'a@9']);
  });

  it('waits for an input whose position is unknown, up to max.task.idle.ms', () => {
    const g = group(100);
    g.addPartition('a', 0);
    g.addPartition('b', 0);
    g.add('a', 0, [raw('a', 0, 5, 'k', 'x')], 1);
    expect(drain(g, 1000)).toEqual([]); // b has never been fetched: its next record could be older
    expect(drain(g, 1099)).toEqual([]);
    expect(drain(g, 1100)).toEqual(['a@5']);
  });

  it('does not wait for an input known to be caught up', () => {
    const g = group(10_000);
    g.add('b', 0, [], 0); // fetched: empty and at its high watermark
    g.add('a', 0, [raw('a', 0, 5, 'k', 'x')], 1);
    expect(drain(g)).toEqual(['a@5']);
  });

  it('ignores records fetched again at or below the last buffered offset', () => {
    const g = group();
    g.add('a', 0, [raw('a', 0, 1, 'k', 'x'), raw('a', 1, 2, 'k', 'y')], 2);
    expect(g.add('a', 0, [raw('a', 1, 2, 'k', 'y'), raw('a', 2, 3, 'k', 'z')], 3)).toBe(1);
    expect(drain(g)).toEqual(['a@1', 'a@2', 'a@3']);
  });
});

describe('stream–table join fed in timestamp order (the runtime path: PartitionGroup → StreamTask)', () => {
  it('a table row written now does not meet stream records with older event times buffered with it', () => {
    const b = new StreamsBuilder();
    const thresholds = b.table<string, string>('thresholds', serdes);
    const metrics = b.stream<string, string>('metrics', serdes);
    metrics.leftJoin(thresholds, (m, t) => `${m}|${t}`).to('out', serdes);
    const topology = b.build();
    const out: OutputRecord[] = [];
    const task = new StreamTask({
      applicationId: 'app',
      topology,
      subtopology: topology.subtopologies()[0],
      partition: 0,
      collector: { send: (r) => out.push(r) },
    });
    task.initialize();
    const now = Date.UTC(2026, 0, 1);
    const yearsAgo = Date.UTC(2019, 0, 1);
    const g = group();
    // Fetched together: the threshold (inserted now) first in fetch order, then replayed metrics.
    g.add('thresholds', 0, [raw('thresholds', 0, now, 'cpu', '90')], 1);
    g.add(
      'metrics',
      0,
      [raw('metrics', 0, yearsAgo, 'cpu', '95'), raw('metrics', 1, now + 1, 'cpu', '97')],
      2,
    );
    drain(g, 0, (r) => task.process(r));
    task.flush();
    expect(out.map((r) => [r.value?.toString(), r.timestamp])).toEqual([
      ['95|null', yearsAgo], // processed before the threshold existed in event time
      ['97|90', now + 1],
    ]);
  });
});
