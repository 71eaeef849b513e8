import { DEAD_LETTER_TOPIC, createKafka } from '@meterstream/common';
import { DEFAULT_QUALITY_TOPICS } from '@meterstream/quality';
import type { CommandModule } from 'yargs';
import { commandContext, withEndpoints } from '../command-context.js';
import { withEndpointCheck } from '../preflight/with-endpoint-check.js';

export const AGGREGATE_WINDOWS = [60, 600, 3600, 86400] as const;

/**
 * The pipeline's topics: raw metrics, one aggregate topic per window, the one dead-letter topic,
 * and the quality stage's outputs (clean readings, quarantine, meter alerts).
 */
export function meterstreamTopics(): string[] {
  const { clean, quarantine, alerts } = DEFAULT_QUALITY_TOPICS;
  return [
    'metrics',
    ...AGGREGATE_WINDOWS.map((w) => `metrics-aggregates-${w}`),
    DEAD_LETTER_TOPIC,
    clean,
    quarantine,
    alerts,
  ];
}

interface TopicsCreateArgs {
  partitions: number;
  'replication-factor': number;
}

export const topicsCommand: CommandModule = {
  command: 'topics',
  describe: 'Manage the meterstream topics',
  builder: (yargs) =>
    yargs
      .command(
        withEndpointCheck<object, TopicsCreateArgs>(
          {
            command: 'create',
            describe: `Create ${meterstreamTopics().join(', ')} (kept forever: replayed event times are old)`,
            builder: (y) =>
              withEndpoints(y)
                .option('partitions', {
                  type: 'number',
                  requiresArg: true,
                  default: 4,
                  describe: 'Partitions per topic',
                })
                .option('replication-factor', {
                  type: 'number',
                  requiresArg: true,
                  default: 1,
                  describe: 'Replication factor',
                })
                .check((args) => {
                  for (const flag of ['partitions', 'replication-factor'] as const) {
                    const value = args[flag];
                    if (!Number.isInteger(value) || value < 1)
                      throw new Error(`--${flag} must be a positive integer, got ${value}`);
                  }
                  return true;
                }),
            handler: async (args) => {
              const { config, logger } = commandContext(args, 'topics');
              const admin = createKafka(config, logger).admin();
              await admin.connect();
              try {
                const existing = new Set(await admin.listTopics());
                const missing = meterstreamTopics().filter((topic) => !existing.has(topic));
                await admin.createTopics({
                  waitForLeaders: true,
                  topics: missing.map((topic) => ({
                    topic,
                    numPartitions: args.partitions,
                    replicationFactor: args['replication-factor'],
                    // retention by time would delete replayed records whose event times are years old
                    configEntries: [{ name: 'retention.ms', value: '-1' }],
                  })),
                });
                for (const topic of meterstreamTopics()) {
                  process.stdout.write(`${topic}: ${missing.includes(topic) ? 'created' : 'exists'}\n`);
                }
              } finally {
                await admin.disconnect();
              }
            },
          },
          'topics create',
        ),
      )
      .demandCommand(1, 'choose an action: create'),
  handler: () => {},
};
