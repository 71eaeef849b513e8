/**
 * A million meters: one simulated day of a fleet of `--meters` meters each sending one reading every
 * 15 minutes (1,000,000 × 96 = 96 M readings) through the pipeline as a user runs it, one stage
 * after the other on the embedded stack: replay → aggregator (1-hour windows) and S3 sink (side by
 * side, both reading `metrics`) → compaction → marts. Per stage: records, wall time, records/s,
 * CPU seconds and peak RSS of the stage's process(es); the lake's size and object count before and
 * after compaction. Goal (issue step 16): the day in under 30 minutes end to end, ≥ 50k records/s
 * through each stage.
 *
 *   npx tsc -b && node --import tsx bench/million-meters.ts [--meters 1000000] [--steps 96] [--partitions 4]
 *
 * Every stage is a `meterstream` process (built CLI) against `meterstream up` on free ports, so the
 * figures include what a user's processes pay: Avro through the Schema Registry, commits, uploads.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createProgressReporter } from '@meterstream/common';
import { Kafka, logLevel } from 'kafkajs';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

// The SDK's notice that its 2027 releases need Node 22 (this process's own S3 client; the CLI silences it too).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = resolve(import.meta.dirname, '..');
const CLI = join(root, 'modules/cli/dist/main.js');
const USAGE_HOOK = join(root, 'bench/lib/usage-on-exit.mjs');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const METERS = arg('meters', 1_000_000);
const STEPS = arg('steps', 96);
const PARTITIONS = arg('partitions', 4);
const RECORDS = METERS * STEPS;
const DAY = '2024-01-01';

interface StageResult {
  stage: string;
  records: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

const dir = mkdtempSync(join(tmpdir(), 'million-meters-'));
const running = new Set<ChildProcess>();
let stackEnv: Record<string, string> = {};

function cli(args: string[], usageFile?: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', USAGE_HOOK, CLI, ...args], {
    env: {
      ...process.env,
      ...stackEnv,
      METERSTREAM_DATA_DIR: join(dir, 'client'),
      METERSTREAM_LOG_LEVEL: 'warn',
      BENCH_USAGE_FILE: usageFile ?? '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number>((done) => {
    if (child.exitCode !== null) done(child.exitCode);
    else child.once('exit', (code) => done(code ?? 1));
  });

/**
 * Runs stage processes to their end (or, for consumers, until `drained` then SIGTERM); CPU and RSS
 * summed. With `done` (records the stage has finished, read once a second) a progress bar (plain
 * lines when not on a terminal) shows the stage's records, rate and ETA; the replay stage's own
 * process draws its bar itself.
 */
async function stage(
  name: string,
  records: number,
  commands: { args: string[]; drained?: () => Promise<boolean> }[],
  done?: () => Promise<{ done: number; note?: string }>,
): Promise<StageResult> {
  const started = performance.now();
  const progress = done
    ? createProgressReporter({ label: name.split(' ')[0]!, unit: 'records', total: records })
    : undefined;
  const poller =
    progress &&
    setInterval(() => {
      done!().then(
        (read) => progress.update(read.done, read.note),
        (error: Error) => progress.log(`${name}: progress not read (${error.message})`),
      );
    }, 1000);
  const usageFiles = commands.map((_, i) => join(dir, `${name}-${i}.usage.json`));
  const children = commands.map((c, i) => cli(c.args, usageFiles[i]));
  let seconds = 0;
  await Promise.all(
    children.map(async (child, i) => {
      const drained = commands[i]!.drained;
      if (drained) {
        while (!(await drained())) {
          if (child.exitCode !== null) throw new Error(`${name}: ${commands[i]!.args[0]} exited early`);
          await new Promise((r) => setTimeout(r, 1000));
        }
        seconds = Math.max(seconds, (performance.now() - started) / 1000);
        child.kill('SIGTERM');
        await exited(child);
      } else {
        const code = await exited(child);
        if (code !== 0) throw new Error(`${name}: exit code ${code}`);
        seconds = Math.max(seconds, (performance.now() - started) / 1000);
      }
    }),
  ).finally(() => {
    clearInterval(poller);
    progress?.stop();
  });
  const usage = usageFiles.map(
    (f) => JSON.parse(readFileSync(f, 'utf8')) as { cpuSeconds: number; peakRssMiB: number },
  );
  const result = {
    stage: name,
    records,
    seconds,
    cpuSeconds: usage.reduce((s, u) => s + u.cpuSeconds, 0),
    peakRssMiB: Math.max(...usage.map((u) => u.peakRssMiB)),
  };
  console.log(`${name}: ${records} records in ${seconds.toFixed(1)} s (${Math.round(records / seconds)}/s)`);
  return result;
}

async function startStack(): Promise<ChildProcess> {
  const ports = ['kafka', 'schema-registry', 'cassandra', 's3'].flatMap((n) => [`--${n}-port`, '0']);
  const up = spawn(process.execPath, [CLI, 'up', ...ports, '--no-redis', '--no-ksql'], {
    env: { ...process.env, METERSTREAM_DATA_DIR: join(dir, 'stack'), METERSTREAM_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(up);
  let output = '';
  await new Promise<void>((ready, fail) => {
    up.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything.')) ready();
    });
    up.once('exit', (code) => fail(new Error(`meterstream up exited with ${code}:\n${output}`)));
  });
  stackEnv = Object.fromEntries(
    [...output.matchAll(/^ {2}export (METERSTREAM_\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  return up;
}

/** Records of `metrics` a consumer group has committed (the sum of its offsets). */
function committedBy(admin: ReturnType<Kafka['admin']>, groupId: string): () => Promise<number> {
  return async () => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: ['metrics'] });
    return (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  };
}

/** Whether a consumer group has committed the end offset of every partition of `metrics`. */
function drainedBy(admin: ReturnType<Kafka['admin']>, groupId: string): () => Promise<boolean> {
  return async () => {
    const ends = await admin.fetchTopicOffsets('metrics');
    const [committed] = await admin.fetchOffsets({ groupId, topics: ['metrics'] });
    const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    return ends.every((end) => (at.get(end.partition) ?? -1) >= Number(end.offset));
  };
}

async function lakeSize(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      objects++;
      bytes += o.Size ?? 0;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { objects, bytes };
}

async function main(): Promise<void> {
  console.log(`${METERS} meters × ${STEPS} steps = ${RECORDS} readings`);
  const up = await startStack();
  const kafka = new Kafka({
    brokers: stackEnv.METERSTREAM_KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const s3 = new S3Client({
    region: stackEnv.METERSTREAM_S3_REGION ?? 'us-east-1',
    endpoint: stackEnv.METERSTREAM_S3_ENDPOINT,
    forcePathStyle: true,
    credentials: {
      accessKeyId: stackEnv.METERSTREAM_S3_ACCESS_KEY_ID ?? 'meterstream',
      secretAccessKey: stackEnv.METERSTREAM_S3_SECRET_ACCESS_KEY ?? 'meterstream-secret',
    },
  });
  const bucket = stackEnv.METERSTREAM_S3_BUCKET ?? 'meterstream';
  try {
    const results: StageResult[] = [];
    const topics = cli(['topics', 'create', '--partitions', String(PARTITIONS)]);
    if ((await exited(topics)) !== 0) throw new Error('topics create failed');
    results.push(
      await stage('replay', RECORDS, [
        {
          args: [
            'replay',
            '--synthetic',
            '--gateways',
            `0..${METERS - 1}`,
            '--attributes',
            'ACTIVE_POWER',
            '--step-seconds',
            '900',
            '--rate',
            '0',
            '--message-count',
            String(RECORDS),
          ],
        },
      ]),
    );
    const aggregatorDone = committedBy(admin, 'meterstream-aggregator-3600');
    const sinkDone = committedBy(admin, 'meterstream-sink-s3');
    const aggregator = await stage(
      'aggregator (1 h windows) ∥ S3 sink',
      RECORDS,
      [
        { args: ['aggregate', '--window', '3600'], drained: drainedBy(admin, 'meterstream-aggregator-3600') },
        { args: ['sink', 's3'], drained: drainedBy(admin, 'meterstream-sink-s3') },
      ],
      // Both read every record: the stage is as far as the slower of the two (the S3 sink commits
      // only when a segment rolls, by size or age, so it may sit at 0 for a while: both are shown).
      async () => {
        const [aggregated, archived] = [await aggregatorDone(), await sinkDone()];
        return {
          done: Math.min(aggregated, archived),
          note: `aggregator ${aggregated}, S3 sink ${archived} committed`,
        };
      },
    );
    results.push(aggregator);
    const before = await lakeSize(s3, bucket, 'raw/');
    results.push(await stage('compaction', RECORDS, [{ args: ['compact', '--before', '2024-01-02'] }]));
    const after = await lakeSize(s3, bucket, 'raw/');
    results.push(await stage('marts (lake only)', RECORDS, [{ args: ['marts', '--no-cassandra'] }]));
    const total = results.reduce((s, r) => s + r.seconds, 0);
    const body = [
      `\`npx tsc -b && node --import tsx bench/million-meters.ts --meters ${METERS} --steps ${STEPS} --partitions ${PARTITIONS}\``,
      '',
      `${METERS.toLocaleString('en')} meters × ${STEPS} readings (one every 15 min, ${DAY}) = ${RECORDS.toLocaleString('en')} readings, Avro through the Schema Registry, ${PARTITIONS} partitions; stages one after the other, each a \`meterstream\` process against \`meterstream up\` on the same machine (the aggregator and the S3 sink side by side, both reading \`metrics\`).`,
      '',
      markdownTable(
        ['stage', 'records', 'seconds', 'records/s', 'CPU s', 'peak RSS MiB'],
        results.map((r) => [
          r.stage,
          r.records.toLocaleString('en'),
          r.seconds.toFixed(1),
          Math.round(r.records / r.seconds).toLocaleString('en'),
          r.cpuSeconds.toFixed(1),
          Math.round(r.peakRssMiB),
        ]),
      ),
      '',
      `End to end: ${(total / 60).toFixed(1)} min (goal: under 30 min, ≥ 50,000 records/s per stage). ` +
        `Lake: ${before.objects} raw objects, ${(before.bytes / 2 ** 20).toFixed(1)} MiB before compaction; ` +
        `${after.objects} objects (${(after.bytes / 2 ** 20).toFixed(1)} MiB, replaced ones kept until vacuum) after.`,
    ].join('\n');
    writeBenchmarkSection('million-meters', 'A million meters: one simulated day through the pipeline', body);
    console.log(body);
  } finally {
    await admin.disconnect();
    s3.destroy();
    for (const child of running) child.kill('SIGTERM');
    await exited(up);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
