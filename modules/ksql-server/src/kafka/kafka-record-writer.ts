import type { RecordWriter } from '@meterstream/ksql';
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
}
