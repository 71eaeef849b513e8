import type { TopicCatalog } from '@meterstream/ksql';
import type { Admin } from 'kafkajs';

/** The engine's TopicCatalog over a connected kafkajs admin client (the server's Kafka cluster). */
export class KafkaTopicCatalog implements TopicCatalog {
  constructor(private readonly admin: Admin) {}

  async partitions(topic: string): Promise<number | undefined> {
    // listTopics first: fetchTopicMetadata of a missing topic would auto-create it on brokers
    // with auto.create.topics.enable.
    if (!(await this.admin.listTopics()).includes(topic)) return undefined;
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length;
  }

  async create(
    topic: string,
    partitions: number,
    replicas: number,
    config: Readonly<Record<string, string>>,
  ): Promise<void> {
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor: replicas,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  }

  async delete(topic: string): Promise<void> {
    await this.admin.deleteTopics({ topics: [topic] });
  }

  list(): Promise<string[]> {
    return this.admin.listTopics();
  }
}
