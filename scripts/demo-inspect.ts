/**
 * Read-only probes the demo and performance scripts run between CLI steps (`npx tsx
 * scripts/demo-inspect.ts <probe> ...`). Endpoints come from the same METERSTREAM_* environment as
 * every `meterstream` command, so the probes see exactly what the pipeline wrote:
 *
 *   wait-idle  <group>=<topic>[,<topic>...] ...   until every group has committed the end of its topics
 *   counts     --gateways 0..4 --windows 60,600 --from <iso> --to <iso>   speed-layer rows per window × gateway
 *   lake       [--max <n>]                        the data lake's objects (S3 ListObjectsV2)
 *   activity   --gateways 0..4                    the Redis latest activity per gateway
 *   create-topics <topic>[,<topic>...] [--partitions 4]   creates topics that do not exist yet
 *   topic-size <topic>                            prints the number of records in the topic
 *
 * Options are `--name value`; `--timeout-ms` bounds wait-idle (exit 1 when it runs out).
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  METRIC_ATTRIBUTES,
  type MetricAttribute,
  type MetricType,
  createKafka,
  createLogger,
  formatInstant,
  httpsAgentFor,
  loadConfig,
  redisAuthOptions,
} from '@meterstream/common';
import { AggregateDao, activityKey, createCassandraClient } from '@meterstream/persistence';
import { Redis } from 'ioredis';

const config = loadConfig({});
const logger = createLogger('demo-inspect', 'warn');

/** Which metric type an attribute belongs to (the synthetic fleet and the datasets share these). */
const TYPE_OF: Record<MetricAttribute, MetricType> = {
  ACTIVE_POWER: 'ELECTRICITY',
  REACTIVE_POWER: 'ELECTRICITY',
  VOLTAGE: 'ELECTRICITY',
  INTENSITY: 'ELECTRICITY',
  WATER_SUMMATION: 'WATER',
  WATER_IDD: 'WATER',
  GAS_SUMMATION: 'GAS',
  GAS_IDD: 'GAS',
};

function parseOptions(args: string[]): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const value = args[i + 1];
      if (value === undefined) throw new Error(`option ${arg} needs a value`);
      options.set(arg.slice(2), value);
      i++;
    } else positional.push(arg);
  }
  return { positional, options };
}

function required(options: Map<string, string>, name: string): string {
  const value = options.get(name);
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

function gatewayIds(range: string): string[] {
  const match = /^(\d+)(?:\.\.(\d+))?$/.exec(range);
  if (!match) throw new Error(`--gateways: expected a..b or n, got ${range}`);
  const from = Number(match[1]);
  const to = Number(match[2] ?? match[1]);
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

function instant(name: string, text: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) throw new Error(`--${name}: not a date or instant: ${text}`);
  return ms;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until every `group=topic,...` has committed offsets equal to the end offsets of its topics,
 * twice in a row. Groups are checked in the order given, so list upstream groups first (the
 * aggregator before the writers of its output): when the aggregator has committed all its input,
 * all its output is already produced, and the end offsets read after that include it.
 */
async function waitIdle(specs: string[], timeoutMs: number): Promise<void> {
  const groups = specs.map((spec) => {
    const [group, topics] = spec.split('=');
    if (!group || !topics) throw new Error(`wait-idle: expected <group>=<topic>[,<topic>], got ${spec}`);
    return { group, topics: topics.split(',') };
  });
  const admin = createKafka(config, logger).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let idlePolls = 0;
    let lagReport = '';
    while (Date.now() < deadline) {
      const lags: string[] = [];
      for (const { group, topics } of groups) {
        for (const topic of topics) {
          const ends = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
          let lag = 0;
          for (const end of ends) {
            const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
            lag += Number(end.high) - Math.max(0, Number(at));
          }
          if (lag > 0) lags.push(`${group} on ${topic}: ${lag} behind`);
        }
      }
      if (lags.length === 0) {
        idlePolls++;
        if (idlePolls >= 2) return;
      } else idlePolls = 0;
      lagReport = lags.join('; ');
      await sleep(1000);
    }
    throw new Error(`wait-idle: still busy after ${timeoutMs} ms: ${lagReport}`);
  } finally {
    await admin.disconnect();
  }
}

/** Speed-layer rows in Cassandra per window and gateway (all series of the gateway). */
async function counts(options: Map<string, string>): Promise<void> {
  const gateways = gatewayIds(required(options, 'gateways'));
  const windows = required(options, 'windows').split(',').map(Number);
  const from = instant('from', required(options, 'from'));
  const to = instant('to', required(options, 'to'));
  const client = createCassandraClient(config.cassandra);
  try {
    const dao = new AggregateDao(client, { keyspace: config.cassandra.keyspace });
    const rows: string[][] = [];
    for (const window of windows) {
      const cells = [String(window)];
      for (const gateway of gateways) {
        let n = 0;
        for (const attribute of METRIC_ATTRIBUTES) {
          const found = await dao.listAggregates({
            gateway,
            metricType: TYPE_OF[attribute],
            attribute,
            window,
            from,
            to,
          });
          n += found.length;
        }
        cells.push(String(n));
      }
      rows.push(cells);
    }
    printTable(['window', ...gateways.map((g) => `gateway ${g}`)], rows);
  } finally {
    await client.shutdown();
  }
}

/** Every data object of the lake (under raw/; the first --max listed, then the total). */
async function lake(options: Map<string, string>): Promise<void> {
  const max = Number(options.get('max') ?? '20');
  const s3 = new S3Client({
    endpoint: config.s3.endpoint ?? undefined,
    region: config.s3.region,
    forcePathStyle: config.s3.forcePathStyle,
    credentials: { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey },
    // the secured stack's S3 is HTTPS with its own CA (loadConfig recorded it for this endpoint)
    ...(httpsAgentFor(config.s3.endpoint)
      ? { requestHandler: { httpsAgent: httpsAgentFor(config.s3.endpoint) } }
      : {}),
  });
  try {
    const objects: { key: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        // The data only: the sink's bookkeeping under _sink/ (flush progress) is not part of the lake.
        new ListObjectsV2Command({ Bucket: config.s3.bucket, Prefix: 'raw/', ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) objects.push({ key: o.Key ?? '', size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    // One line per lake partition (the key up to its last `/`: layer, type and date), then objects.
    const partitions = new Map<string, { objects: number; bytes: number }>();
    for (const o of objects) {
      const prefix = o.key.slice(0, o.key.lastIndexOf('/') + 1);
      const entry = partitions.get(prefix) ?? { objects: 0, bytes: 0 };
      entry.objects++;
      entry.bytes += o.size;
      partitions.set(prefix, entry);
    }
    printTable(
      ['partition', 'objects', 'bytes'],
      [...partitions].map(([prefix, p]) => [prefix, String(p.objects), String(p.bytes)]),
    );
    process.stdout.write('\n');
    const shown = objects.slice(0, max).map((o) => [o.key, String(o.size)]);
    printTable(['object', 'bytes'], shown);
    if (objects.length > max) process.stdout.write(`… and ${objects.length - max} more\n`);
    const bytes = objects.reduce((sum, o) => sum + o.size, 0);
    process.stdout.write(
      `data lake s3://${config.s3.bucket}/raw/: ${objects.length} objects, ${bytes} bytes\n`,
    );
  } finally {
    s3.destroy();
  }
}

/** The latest event time seen per gateway (sorted set `<prefix>:activity`). */
async function activity(options: Map<string, string>): Promise<void> {
  const gateways = gatewayIds(required(options, 'gateways'));
  const redis = new Redis(config.redisUrl, {
    ...redisAuthOptions(config),
    lazyConnect: true,
    maxRetriesPerRequest: 2,
  });
  await redis.connect();
  try {
    const key = activityKey(options.get('prefix') ?? 'meterstream');
    const rows: string[][] = [];
    for (const gateway of gateways) {
      const score = await redis.zscore(key, gateway);
      rows.push([gateway, score === null ? 'none' : formatInstant(Number(score))]);
    }
    printTable(['gateway', 'latest activity'], rows);
  } finally {
    redis.disconnect();
  }
}

/** Creates the topics that do not exist yet (kept forever: replayed event times are old). */
async function createTopics(names: string[], partitions: number): Promise<void> {
  const admin = createKafka(config, logger).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = names.filter((name) => !existing.has(name));
    if (topics.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({
        topic,
        numPartitions: partitions,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Records in a topic: the sum of its partitions' end offsets (topics here are never compacted). */
async function topicSize(topic: string): Promise<void> {
  const admin = createKafka(config, logger).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    process.stdout.write(`${total}\n`);
  } finally {
    await admin.disconnect();
  }
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(
    `${[line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')}\n`,
  );
}

async function main(argv: string[]): Promise<void> {
  const [probe, ...rest] = argv;
  const { positional, options } = parseOptions(rest);
  switch (probe) {
    case 'wait-idle':
      return waitIdle(positional, Number(options.get('timeout-ms') ?? '180000'));
    case 'counts':
      return counts(options);
    case 'lake':
      return lake(options);
    case 'activity':
      return activity(options);
    case 'topic-size':
      if (!positional[0]) throw new Error('topic-size needs a topic');
      return topicSize(positional[0]);
    case 'create-topics':
      return createTopics(
        positional.flatMap((p) => p.split(',')),
        Number(options.get('partitions') ?? '4'),
      );
    default:
      throw new Error(
        `unknown probe ${probe ?? '(none)'}: wait-idle | counts | lake | activity | create-topics | topic-size`,
      );
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`demo-inspect: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
