import type { RecordWriter, SerializedRow } from '@meterstream/ksql';
import type { Producer } from 'kafkajs';

/**
 * The engine's RecordWriter (INSERT INTO … VALUES) over a connected kafkajs producer: each row is
 * acknowledged by the cluster (acks=all) before the statement succeeds.
 */
export class KafkaRecordWriter implements RecordWriter {
  constructor(private readonly producer: Producer) {}

  async write(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number): Promise<void> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: [{ key, value, timestamp: String(timestamp) }],
    });
  }

  /** Writes rows in order in one produce request per topic (the inserts-stream's batches), acks=all. */
  async writeMany(rows: readonly SerializedRow[]): Promise<void> {
    const byTopic = new Map<string, SerializedRow[]>();
    for (const r of rows) {
      const list = byTopic.get(r.topic);
      if (list) list.push(r);
      else byTopic.set(r.topic, [r]);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((r) => ({ key: r.key, value: r.value, timestamp: String(r.timestamp) })),
      })),
    });
  }
}
