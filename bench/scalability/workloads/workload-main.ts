/**
 * One workload process of the scalability benchmark, started by main.ts:
 *   node --import tsx bench/scalability/workloads/workload-main.ts --workload uc2|uc3 \
 *     --brokers host:port --input input --output output --format theodolite-json \
 *     [--application-id id] [--processing-guarantee at_least_once|exactly_once_v2] [--commit-interval-ms n]
 *     [--fetch-min-bytes n] [--fetch-max-wait-ms n]   (the runtime's fetch settings; its defaults without)
 * or `--workload uc1 … --cassandra host:port [--batch-rows n]` (the writer path into the CQL server).
 * Prints `{"event":"running"}` once consuming; closes cleanly on SIGTERM.
 * (Our 4-window aggregator runs as `meterstream aggregate` itself.)
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaStreams, type ProcessingGuarantee } from '../../../modules/streams/src/index.js';
import type { ValueFormat } from '../value-formats.js';
import { buildUc2, buildUc3 } from './theodolite-topologies.js';
import { startUc1 } from './uc1.js';

const { values: args } = parseArgs({
  options: {
    workload: { type: 'string' },
    brokers: { type: 'string' },
    input: { type: 'string', default: 'input' },
    output: { type: 'string', default: 'output' },
    format: { type: 'string', default: 'theodolite-json' },
    'application-id': { type: 'string' },
    'processing-guarantee': { type: 'string', default: 'at_least_once' },
    'commit-interval-ms': { type: 'string', default: '1000' },
    'fetch-min-bytes': { type: 'string' },
    'fetch-max-wait-ms': { type: 'string' },
    cassandra: { type: 'string' },
    'batch-rows': { type: 'string', default: '1' },
  },
});
if (!args.brokers) throw new Error('--brokers is required');
const kafka = new Kafka({
  clientId: `bench-${args.workload}`,
  brokers: args.brokers.split(','),
  logLevel: logLevel.WARN,
});
const applicationId = args['application-id'] ?? `bench-${args.workload}`;

if (args.workload === 'uc1') {
  if (!args.cassandra) throw new Error('uc1 needs --cassandra host:port');
  const uc1 = await startUc1({
    kafka,
    groupId: applicationId,
    topic: args.input,
    format: args.format as ValueFormat,
    cassandra: args.cassandra,
    batchRows: Number(args['batch-rows']),
  });
  process.stdout.write(`${JSON.stringify({ event: 'running', workload: 'uc1' })}\n`);
  process.on('SIGTERM', () => {
    void uc1.close().finally(() => process.exit(0));
  });
} else await runStreams();

async function runStreams(): Promise<void> {
  const options = { inputTopic: args.input, outputTopic: args.output, format: args.format as ValueFormat };
  const topology =
    args.workload === 'uc2' ? buildUc2(options) : args.workload === 'uc3' ? buildUc3(options) : undefined;
  if (!topology) throw new Error(`--workload must be uc1, uc2 or uc3, not ${args.workload}`);

  const streams = new KafkaStreams(topology, {
    applicationId,
    kafka,
    processingGuarantee: args['processing-guarantee'] as ProcessingGuarantee,
    commitIntervalMs: Number(args['commit-interval-ms']),
    ...(args['fetch-min-bytes'] ? { fetchMinBytes: Number(args['fetch-min-bytes']) } : {}),
    ...(args['fetch-max-wait-ms'] ? { fetchMaxWaitMs: Number(args['fetch-max-wait-ms']) } : {}),
  });
  await streams.start();
  process.stdout.write(`${JSON.stringify({ event: 'running', workload: args.workload })}\n`);
  process.on('SIGTERM', () => {
    void streams.close().finally(() => process.exit(0));
  });
}
