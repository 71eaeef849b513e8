/**
 * Does a password-guessing flood slow authenticated producers? An authenticated kafkajs producer
 * (SCRAM-SHA-512, a non-super user whose WRITE comes from a prefixed ACL, so every request goes
 * through the authorizer) sends 100-record batches (acks=1) one after another, first alone, then
 * while FAILED_LOGINS failed SASL/PLAIN logins run — CONCURRENCY attackers, each failing in a row
 * on fresh connections (wrong password; each failure costs the broker one PBKDF2 of the stored
 * salt, and connection.failed.authentication.delay.ms holds the attacker, as in Kafka), then alone
 * again. Reports the producer's rate during the flood against the mean of the two alone phases,
 * and the broker's CPU seconds.
 *
 *   npx tsc -b modules/broker && npx tsx bench/broker-auth-flood.ts [FAILED_LOGINS=1000] [CONCURRENCY=10] [--write]
 *
 * Target: the flood slows the producer by < 20 % (ratio > 0.80). `--write` records the figures in
 * docs/benchmarks.md. BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the
 * broker (see bench/lib/broker-process.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { plainLogin } from '../modules/broker/test/helpers/raw-sasl-client.js';
import { startBrokerProcess, stopBrokerProcess } from './lib/broker-process.js';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const FAILED_LOGINS = Number(positional[0] ?? 1000);
const CONCURRENCY = Number(positional[1] ?? 10);
const WRITE = process.argv.includes('--write');
const TOPIC = 'bench-auth-orders';
const BATCH = 100;
const CLK_TCK = 100;
// kafkajs is CommonJS: Node's ESM loader sees only some of its named exports
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } =
  kafkajs;

function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-auth-flood-'));
process.env.METERSTREAM_SASL_USERS = 'admin:bench-admin\nwriter:bench-writer';
const broker = await startBrokerProcess(dataDir, [
  '--security-protocol',
  'SASL_PLAINTEXT',
  '--authorizer',
  'acl',
  '--super-users',
  'User:admin',
]);
process.env.METERSTREAM_SASL_USERS = '';
const bootstrap = `127.0.0.1:${broker.port}`;
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const client = (username: string, password: string) =>
  new Kafka({
    brokers: [bootstrap],
    clientId: `bench-${username}`,
    logLevel: logLevel.NOTHING,
    sasl: { mechanism: 'scram-sha-512', username, password },
  });

try {
  const admin = client('admin', 'bench-admin').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
  await admin.createAcls({
    acl: [
      {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'bench-auth-',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        principal: 'User:writer',
        host: '*',
        operation: AclOperationTypes.WRITE,
        permissionType: AclPermissionTypes.ALLOW,
      },
    ],
  });
  await admin.disconnect();

  const producer = client('writer', 'bench-writer').producer();
  await producer.connect();
  const value = Buffer.alloc(100, 'x');
  const messages = Array.from({ length: BATCH }, (_, i) => ({ key: `k${i}`, value }));

  /** Sends batches until `until` resolves (or for `ms`); returns batches per second. */
  const produceWhile = async (until: Promise<unknown>): Promise<number> => {
    let done = false;
    void until.then(() => {
      done = true;
    });
    let sends = 0;
    const t0 = performance.now();
    while (!done) {
      await producer.send({ topic: TOPIC, acks: 1, messages });
      sends++;
    }
    return sends / ((performance.now() - t0) / 1000);
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  let failures = 0;
  let unexpected = 0;
  const attacker = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const { answer, conn } = await plainLogin(broker.port, 'writer', `guess-${i}`);
      if (answer !== 'closed' && answer.errorCode === 58) failures++;
      else unexpected++;
      conn.close();
    }
  };
  const flood = async () => {
    const per = Math.ceil(FAILED_LOGINS / CONCURRENCY);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) => attacker(Math.min(per, FAILED_LOGINS - i * per))),
    );
  };

  await produceWhile(sleep(3000)); // warm-up (JIT, connections)
  // alone, flood, alone: the flood is compared with the mean of the phases around it
  const aloneMs = 5000;
  const cpu0 = procCpuSeconds(broker.child.pid!);
  const before = await produceWhile(sleep(aloneMs));
  const cpu1 = procCpuSeconds(broker.child.pid!);
  const floodStart = performance.now();
  const during = await produceWhile(FAILED_LOGINS > 0 ? flood() : sleep(aloneMs));
  const floodSeconds = (performance.now() - floodStart) / 1000;
  const cpu2 = procCpuSeconds(broker.child.pid!);
  const after = await produceWhile(sleep(aloneMs));
  const cpu3 = procCpuSeconds(broker.child.pid!);
  const cpuAlone = cpu1 - cpu0 + (cpu3 - cpu2);
  const cpuFlood = cpu2 - cpu1;
  process.stdout.write(
    `alone before ${before.toFixed(0)}/s, during ${during.toFixed(0)}/s, alone after ${after.toFixed(0)}/s\n`,
  );
  await producer.disconnect();

  const alone = (before + after) / 2;
  const ratio = during / alone;
  const rows = [
    [
      'alone (mean of two phases)',
      alone.toFixed(0),
      '1.00',
      `${(cpuAlone / ((2 * aloneMs) / 1000)).toFixed(2)}`,
    ],
    [
      `during ${failures} failed logins (${CONCURRENCY} attackers, ${floodSeconds.toFixed(1)} s)`,
      during.toFixed(0),
      ratio.toFixed(2),
      `${(cpuFlood / floodSeconds).toFixed(2)}`,
    ],
  ];
  const table = markdownTable(['phase', 'batches/s (100 records)', 'ratio', 'broker CPU s per s'], rows);
  process.stdout.write(`${table}\n`);
  if (unexpected > 0)
    process.stdout.write(`${unexpected} logins did not fail with SASL_AUTHENTICATION_FAILED\n`);
  process.stdout.write(
    `${ratio > 0.8 ? 'PASS' : 'FAIL'}: produce during the flood at ${(ratio * 100).toFixed(0)} % of alone (target > 80 %)\n`,
  );
  if (WRITE) {
    writeBenchmarkSection(
      'broker-auth-flood',
      'Broker: authenticated produce during a failed-login flood',
      `\`npx tsx bench/broker-auth-flood.ts ${FAILED_LOGINS} ${CONCURRENCY} --write\`\n\n${table}\n`,
    );
  }
} finally {
  await stopBrokerProcess(broker.child);
  rmSync(dataDir, { recursive: true, force: true });
}
