import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';

const run = promisify(execFile);

/** kcat's balanced consumer (-G): reads every partition of `topic` to its end, then exits. */
async function kcatGroup(bootstrap: string, groupId: string, topic: string): Promise<string[]> {
  const { stdout } = await run(
    'kcat',
    [
      '-b',
      bootstrap,
      '-G',
      groupId,
      '-X',
      'auto.offset.reset=earliest',
      '-X',
      'session.timeout.ms=6000',
      '-e',
      '-q',
      '-f',
      '%p:%o:%s\\n',
      topic,
    ],
    { timeout: 60_000 },
  );
  return stdout.split('\n').filter((l) => l.length > 0);
}

describe('kcat -G (librdkafka balanced consumer)', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('consumes a topic as a group, commits, and resumes from the committed offsets', async () => {
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kcat-group', numPartitions: 2 }] });
    const producer = kafka.producer();
    await producer.connect();
    const messages = [0, 1].flatMap((p) =>
      [0, 1, 2, 3, 4].map((i) => ({ partition: p, value: `k-${p}-${i}` })),
    );
    await producer.send({ topic: 'kcat-group', acks: -1, messages });

    const lines = await kcatGroup(broker.bootstrap, 'kcat-g', 'kcat-group');
    expect(lines.sort()).toEqual(
      messages.map((m) => `${m.partition}:${m.value.slice(-1)}:${m.value}`).sort(),
    );
    const [offsets] = await admin.fetchOffsets({ groupId: 'kcat-g', topics: ['kcat-group'] });
    expect(offsets.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).toEqual([
      '5',
      '5',
    ]);

    // A second run of the same group only sees what was produced since.
    await producer.send({ topic: 'kcat-group', acks: -1, messages: [{ partition: 1, value: 'later' }] });
    expect(await kcatGroup(broker.bootstrap, 'kcat-g', 'kcat-group')).toEqual(['1:5:later']);
    await producer.disconnect();
    await admin.disconnect();
  });
});
