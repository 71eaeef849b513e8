import { createKafka } from '@meterstream/common';
import type { CommandModule } from 'yargs';
import { commandContext, withEndpoints } from '../command-context.js';
import { withEndpointCheck } from '../preflight/with-endpoint-check.js';

interface PerfTrackArgs {
  topic: string;
  count: number;
  'from-beginning': boolean;
  'timeout-ms': number;
}

export interface PerfTrackResult {
  topic: string;
  messages: number;
  /** ms from the moment the consumer was started until the N-th message arrived. */
  msSinceConsumerStart: number;
  /** ms from the arrival of the first message until the N-th arrived. */
  msSinceFirstMessage: number;
}

/**
 * The performance tracker of the original smart-meter pipeline (latency measured end to end): start a consumer, wait until `count` messages have arrived on
 * `topic`, and report the elapsed times. Started before a load is published, it measures how long
 * the pipeline takes to deliver that many results.
 */
export async function trackMessages(
  kafka: ReturnType<typeof createKafka>,
  options: { topic: string; count: number; fromBeginning: boolean; timeoutMs: number },
): Promise<PerfTrackResult> {
  const consumer = kafka.consumer({ groupId: `meterstream-perf-${process.pid}-${Date.now()}` });
  const started = performance.now();
  let firstAt: number | undefined;
  let seen = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning });
    return await new Promise<PerfTrackResult>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out after ${options.timeoutMs} ms with ${seen}/${options.count} messages on ${options.topic}`,
            ),
          ),
        options.timeoutMs,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            if (batch.messages.length === 0 || seen >= options.count) return;
            const now = performance.now();
            firstAt ??= now;
            seen += batch.messages.length;
            if (seen >= options.count) {
              clearTimeout(timer);
              resolve({
                topic: options.topic,
                messages: seen,
                msSinceConsumerStart: Math.round(now - started),
                msSinceFirstMessage: Math.round(now - firstAt),
              });
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

export const perfTrackCommand: CommandModule = {
  command: 'perf',
  describe: 'Performance tracking',
  builder: (yargs) =>
    yargs
      .command(
        withEndpointCheck<object, PerfTrackArgs>(
          {
            command: 'track',
            describe:
              'Wait until N messages arrive on a topic; report ms since consumer start and since the first message',
            builder: (y) =>
              withEndpoints(y)
                .option('topic', { type: 'string', demandOption: true, describe: 'Topic to watch' })
                .option('count', { type: 'number', demandOption: true, describe: 'Messages to wait for' })
                .option('from-beginning', {
                  type: 'boolean',
                  default: false,
                  describe: 'Count messages already in the topic',
                })
                .option('timeout-ms', {
                  type: 'number',
                  default: 600_000,
                  describe: 'Give up (exit 1) after this long',
                }),
            handler: async (args) => {
              const { config, logger } = commandContext(args, 'perf-track');
              const result = await trackMessages(createKafka(config, logger), {
                topic: args.topic,
                count: args.count,
                fromBeginning: args['from-beginning'],
                timeoutMs: args['timeout-ms'],
              });
              process.stdout.write(`${JSON.stringify(result)}\n`);
            },
          },
          'perf track',
        ),
      )
      .demandCommand(1, 'choose an action: track'),
  handler: () => {},
};
