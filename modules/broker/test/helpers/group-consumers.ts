import type { Consumer, ConsumerConfig, EachMessagePayload, Kafka } from 'kafkajs';

/** Consumer settings that make rebalances quick in tests (heartbeats every 300 ms, short polls). */
export const FAST_GROUP: Partial<ConsumerConfig> = {
  sessionTimeout: 6000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
  rebalanceTimeout: 10_000,
};

/** A running kafkajs group member that remembers its latest assignment and what it consumed. */
export interface Member {
  consumer: Consumer;
  /** Partitions of the last GROUP_JOIN (for the test topic). */
  assigned: number[];
  seen: { partition: number; offset: string; value: string }[];
}

export async function startMember(
  kafka: Kafka,
  groupId: string,
  topic: string,
  onMessage?: (p: EachMessagePayload) => Promise<void>,
): Promise<Member> {
  const consumer = kafka.consumer({ groupId, ...FAST_GROUP });
  const member: Member = { consumer, assigned: [], seen: [] };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    member.assigned = [...(e.payload.memberAssignment[topic] ?? [])].sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async (p) => {
      member.seen.push({
        partition: p.partition,
        offset: p.message.offset,
        value: p.message.value!.toString(),
      });
      await onMessage?.(p);
    },
  });
  return member;
}
