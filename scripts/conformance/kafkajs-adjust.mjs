// Our adjustments to a scratch copy of a kafkajs checkout, so that its integration specs run
// against one embedded broker instead of the suite's docker-compose cluster (three brokers with
// PLAINTEXT, SSL and SASL_SSL listeners). Only testHelpers/index.js is changed; no spec is
// touched. Each adjustment names the exact text it replaces and fails when that text is missing,
// so a kafkajs version whose helpers differ is refused instead of half-adjusted.
//
//   node scripts/conformance/kafkajs-adjust.mjs SCRATCH_COPY
//
// The broker's port comes from KAFKAJS_CONFORMANCE_PORT at test time (default 9092).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are kafkajs source text, not templates
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [scratch] = process.argv.slice(2);
if (scratch === undefined) {
  process.stderr.write('usage: kafkajs-adjust.mjs SCRATCH_COPY\n');
  process.exit(2);
}
const file = join(scratch, 'testHelpers', 'index.js');
const MARK = '// adjusted by meterstream scripts/conformance/kafkajs-adjust.mjs';
let text = readFileSync(file, 'utf8');
if (text.startsWith(MARK)) {
  process.stderr.write(`${file} is already adjusted: copy the checkout afresh\n`);
  process.exit(2);
}

const adjustments = [
  {
    why: 'the port of the one embedded broker, read when the helpers load',
    from: "const getHost = () => 'localhost'\n",
    to: "const getHost = () => 'localhost'\nconst CONFORMANCE_PORT = Number(process.env.KAFKAJS_CONFORMANCE_PORT || 9092)\n",
  },
  {
    why: 'the three plaintext brokers of the reference cluster are one embedded broker',
    from: 'const plainTextBrokers = (host = getHost()) => [`${host}:9092`, `${host}:9095`, `${host}:9098`]',
    to: 'const plainTextBrokers = (host = getHost()) => [`${host}:${CONFORMANCE_PORT}`]',
  },
  {
    why: 'single-connection specs (broker/__tests__) connect to the embedded broker',
    from: '  host: getHost(),\n  port: 9092,\n',
    to: '  host: getHost(),\n  port: CONFORMANCE_PORT,\n',
  },
  {
    why: 'createTopic bootstraps from the embedded broker',
    from: "const kafka = new Kafka({ clientId: 'testHelpers', brokers: [`${getHost()}:9092`] })",
    to: "const kafka = new Kafka({ clientId: 'testHelpers', brokers: [`${getHost()}:${CONFORMANCE_PORT}`] })",
  },
  {
    // The suite runs kafka-topics.sh in the docker container (scripts/addPartitions.sh); the same
    // change through the protocol is CreatePartitions, which kafkajs's admin client sends.
    why: 'addPartitions through admin.createPartitions instead of `docker exec kafka-topics`',
    from: [
      'const addPartitions = async ({ topic, partitions }) => {',
      '  const cmd = `TOPIC=${topic} PARTITIONS=${partitions} ./scripts/addPartitions.sh`',
      '  const cluster = createCluster()',
      '',
      '  await cluster.connect()',
      '  await cluster.addTargetTopic(topic)',
      '',
      '  execa.commandSync(cmd, { shell: true })',
      '',
      '  waitFor(async () => {',
      '    await cluster.refreshMetadata()',
      '    const partitionMetadata = cluster.findTopicPartitionMetadata(topic)',
      '    return partitionMetadata.length === partitions',
      '  })',
      '}',
    ].join('\n'),
    to: [
      'const addPartitions = async ({ topic, partitions }) => {',
      "  const kafka = new Kafka({ clientId: 'testHelpers', brokers: [`${getHost()}:${CONFORMANCE_PORT}`] })",
      '  const admin = kafka.admin()',
      '  try {',
      '    await admin.connect()',
      '    await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] })',
      '  } finally {',
      '    await admin.disconnect()',
      '  }',
      '}',
    ].join('\n'),
  },
];

for (const a of adjustments) {
  const at = text.indexOf(a.from);
  if (at < 0 || text.indexOf(a.from, at + 1) >= 0) {
    process.stderr.write(
      `${file}: expected exactly one occurrence of the text to adjust (${a.why}):\n${a.from}\n`,
    );
    process.exit(1);
  }
  text = text.replace(a.from, () => a.to);
}
writeFileSync(file, `${MARK}\n${text}`);
for (const a of adjustments) process.stdout.write(`adjusted: ${a.why}\n`);
