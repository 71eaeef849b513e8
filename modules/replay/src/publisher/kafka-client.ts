import { type Kafka, Partitioners, type Producer } from 'kafkajs';

/**
 * A producer for replay: acks=-1 is set per send; keys are partitioned with the Java client's
 * murmur2 partitioner (kafkajs' DefaultPartitioner), so a key lands where a Java or librdkafka
 * producer would put it.
 */
export function createReplayProducer(kafka: Kafka): Producer {
  return kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
}

/**
 * The partition of a key among `partitions`, exactly as kafkajs' DefaultPartitioner (murmur2 of the
 * key, as the Java client) chooses it, remembered per key Buffer object: the metric encoder hands
 * out one cached Buffer per series, so a series is hashed once instead of once per message
 * (murmur2 in JS was ~10 % of the publisher's CPU).
 */
export function keyPartitioner(topic: string, partitions: number): (key: Buffer) => number {
  const partition = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  const memo = new WeakMap<Buffer, number>();
  return (key) => {
    let chosen = memo.get(key);
    if (chosen === undefined) {
      chosen = partition({ topic, partitionMetadata, message: { key, value: null } });
      memo.set(key, chosen);
    }
    return chosen;
  };
}

/**
 * Creates the topic with `partitions` partitions if it does not exist yet (the architecture's
 * `metrics` topic has 4). Returns false when it already existed.
 */
export async function ensureTopic(kafka: Kafka, topic: string, partitions: number): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return false;
    return await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** The topic's partition count from the cluster's metadata. */
export async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = metadata.topics[0]?.partitions.length ?? 0;
    if (count < 1) throw new Error(`topic ${topic} has no partitions in the cluster metadata`);
    return count;
  } finally {
    await admin.disconnect();
  }
}
