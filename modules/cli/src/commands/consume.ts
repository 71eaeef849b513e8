import { createKafka, createSchemaRegistry } from '@meterstream/common';
import type { KafkaMessage } from 'kafkajs';
import type { CommandModule } from 'yargs';
import { commandContext, onShutdownSignal, withEndpoints } from '../command-context.js';
import { requireTopic } from '../kafka/require-topic.js';

interface ConsumeArgs {
  topic: string;
  'from-beginning': boolean;
  group?: string;
  'max-messages'?: number;
}

type Decoder = (value: Buffer) => Promise<unknown>;

/**
 * Decodes whatever the topic holds: Confluent-framed Avro (magic byte 0) through the Schema
 * Registry, else JSON, else UTF-8 text. Records that fail to decode are printed with their error —
 * a console consumer must show bad data, not hide it.
 */
function valueDecoder(registryUrl: string | null): Decoder {
  const registry = registryUrl ? createSchemaRegistry(registryUrl) : undefined;
  return async (value) => {
    if (registry && value.length > 5 && value[0] === 0) return registry.decode(value);
    const text = value.toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
}

export function formatRecord(partition: number, message: KafkaMessage, decoded: unknown): string {
  const key = message.key?.toString('utf8') ?? 'null';
  return `${partition}@${message.offset} ${key} ${JSON.stringify(decoded)}`;
}

export const consumeCommand: CommandModule<object, ConsumeArgs> = {
  command: 'consume',
  describe: 'Console consumer: print decoded records (Avro via the Schema Registry, JSON or text)',
  builder: (yargs) =>
    withEndpoints(yargs)
      .option('topic', { type: 'string', demandOption: true, describe: 'Topic to read' })
      .option('from-beginning', { type: 'boolean', default: false, describe: 'Start at the earliest offset' })
      .option('group', {
        type: 'string',
        describe: 'Consumer group; instances with the same group share partitions (default: a new group)',
      })
      .option('max-messages', { type: 'number', describe: 'Exit after printing this many records' }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'consume');
    const decode = valueDecoder(config.schemaRegistryUrl);
    const kafka = createKafka(config, logger);
    await requireTopic(kafka, args.topic, config.kafka.brokers);
    const consumer = kafka.consumer({
      groupId: args.group ?? `meterstream-console-${process.pid}-${Date.now()}`,
      allowAutoTopicCreation: false,
    });
    let printed = 0;
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    await consumer.connect();
    await consumer.subscribe({ topic: args.topic, fromBeginning: args['from-beginning'] });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (args['max-messages'] !== undefined && printed >= args['max-messages']) return;
        let decoded: unknown;
        try {
          decoded = message.value === null ? null : await decode(message.value);
        } catch (error) {
          decoded = { undecodable: message.value?.toString('hex'), error: (error as Error).message };
        }
        process.stdout.write(`${formatRecord(partition, message, decoded)}\n`);
        printed++;
        if (args['max-messages'] !== undefined && printed >= args['max-messages']) done();
      },
    });
    onShutdownSignal(() => consumer.disconnect());
    await finished;
    await consumer.disconnect();
  },
};
