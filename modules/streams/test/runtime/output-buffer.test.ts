import type { Message, TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  OutputBuffer,
  type RecordSetMessage,
  chunkTopicMessages,
  recordsOf,
} from '../../src/runtime/output-buffer.js';

const message = (partition: number | undefined, n: number): Message => ({
  key: `k${n % 7}`,
  value: String(n),
  partition,
});

describe('chunkTopicMessages (sends of a commit)', () => {
  it('caps each topic partition per send, keeps every partition order, and puts all partitions in each send', () => {
    const all: TopicMessages[] = [
      { topic: 'changelog', messages: Array.from({ length: 1000 }, (_, n) => message(n % 4, n)) },
      { topic: 'out', messages: Array.from({ length: 300 }, (_, n) => message(undefined, n)) },
    ];
    const sends = chunkTopicMessages(all, 100);
    // 250 messages per changelog partition → 3 sends; 300 partitioner-chosen messages → 3 sends.
    expect(sends).toHaveLength(3);
    for (const send of sends) {
      expect(new Set(send.map((t) => t.topic)).size, 'one entry per topic in a send').toBe(send.length);
      for (const { messages } of send) {
        const perPartition = new Map<number | undefined, number>();
        for (const m of messages) perPartition.set(m.partition, (perPartition.get(m.partition) ?? 0) + 1);
        for (const count of perPartition.values()) expect(count).toBeLessThanOrEqual(100);
      }
    }
    expect(sends[0]!.find((t) => t.topic === 'changelog')!.messages).toHaveLength(400);
    // Concatenating the sends in order gives back each group's messages in their original order.
    for (const { topic, messages } of all) {
      const sent = sends.flatMap((send) => send.find((t) => t.topic === topic)?.messages ?? []);
      for (const partition of [0, 1, 2, 3, undefined]) {
        expect(sent.filter((m) => m.partition === partition)).toEqual(
          messages.filter((m) => m.partition === partition),
        );
      }
    }
  });

  it('sends nothing for nothing', () => {
    expect(chunkTopicMessages([])).toEqual([]);
  });
});

describe('OutputBuffer.drain (the sends of a commit)', () => {
  it('puts each changelog partition in one record set per send after the output, markers last', () => {
    const output = new OutputBuffer(new Map());
    const key = (n: number) => Buffer.from(`key-${n}`);
    for (let n = 0; n < 3; n++)
      output.send({
        topic: 'out',
        partition: undefined,
        key: key(n),
        value: key(n),
        timestamp: n,
        headers: [],
      });
    for (let n = 0; n < 5; n++) output.logChange('app-store-changelog', n % 2, key(n), null, 1_000 + n);
    output.commitMarker('app-store-changelog', 0, { input: 9 }, 2_000);
    expect(output.size()).toBe(9);
    const sends = output.drain();
    expect(output.size()).toBe(0);
    expect(sends).toHaveLength(1);
    const byTopic = new Map(sends[0]!.map((t) => [t.topic, t.messages]));
    expect(byTopic.get('out')).toHaveLength(3);
    const sets = byTopic.get('app-store-changelog')! as RecordSetMessage[];
    expect(sets.map((m) => [m.partition, m.encodedRecords.count])).toEqual([
      [0, 4],
      [1, 2],
    ]);
    expect(sets.map((m) => recordsOf(m))).toEqual([4, 2]);
    expect(sets[0]!.encodedRecords.firstTimestamp).toBe(1_000);
    expect(sets[0]!.encodedRecords.maxTimestamp).toBe(2_000);
    expect(output.drain()).toEqual([]);
  });
});
