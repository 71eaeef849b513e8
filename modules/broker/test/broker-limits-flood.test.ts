/**
 * The limits under floods, against the built broker in a child process (run `npx tsc -b` first)
 * whose open file descriptors are counted in /proc/<pid>/fd: a flood of partition requests, 600
 * partitions under a low RLIMIT_NOFILE, and descriptor exhaustion during topic creation.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@meterstream/test-support';
import { ErrorCode } from '../src/protocol/errors.js';
import { kafkaClient } from './helpers/broker.js';
import type { CreateTopicsResponse } from '../src/protocol/messages.generated.js';
import { answersApiVersions, createTopicsRaw, exchange, openFds, openSocket } from './helpers/limits.js';
import { decodeResponse, requestFrame } from './helpers/raw-client.js';
import { spawnBroker } from './helpers/processes.js';

const running: { child: ChildProcess; dataDir: string }[] = [];
afterEach(async () => {
  for (const { child, dataDir } of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function start(args: string[], nofile?: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'broker-limits-'));
  const started = await spawnBroker(['--port', '0', '--data-dir', dataDir, ...args], { nofile });
  running.push({ child: started.child, dataDir });
  const topicsDir = join(dataDir, 'topics');
  return {
    ...started,
    pid: started.child.pid!,
    dataDir,
    topicsDir,
    bootstrap: `127.0.0.1:${started.port}`,
    topicDirs: () => readdirSync(topicsDir).sort(),
  };
}

/** Registers a schema over HTTP: the registry in the broker's process still works. */
async function registryAnswers(port: number, subject: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'R', fields: [] }) }),
  });
  await res.text();
  return res.status;
}

/** Produces one record to each listed partition and reads them all back with a consumer group. */
async function roundTrip(bootstrap: string, topics: { topic: string; partitions: number }[], tag: string) {
  const kafka = kafkaClient(bootstrap, tag);
  const producer = kafka.producer();
  await producer.connect();
  const expected = new Set<string>();
  await producer.sendBatch({
    acks: -1,
    topicMessages: topics.map(({ topic, partitions }) => ({
      topic,
      messages: Array.from({ length: partitions }, (_, partition) => {
        const value = `${tag}-${topic}-${partition}`;
        expected.add(value);
        return { partition, value };
      }),
    })),
  });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `g-${tag}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  for (const { topic } of topics) await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set<string>();
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachMessage: async ({ message }) => {
      const value = message.value!.toString();
      if (value.startsWith(`${tag}-`)) seen.add(value);
    },
  });
  await waitFor(`${expected.size} records back`, () => seen.size >= expected.size, 90_000);
  await consumer.disconnect();
  expect(seen).toEqual(expected);
}

describe('limits under floods (child broker process)', () => {
  it('5,000 partitions requested in 100 CreateTopics: the excess refused, nothing left behind, produce/consume still works, descriptors bounded', async () => {
    const nofile = 512;
    const b = await start(['--max-partitions', '1000', '--max-open-segment-files', '64'], nofile);
    expect((await createTopicsRaw(b.port, [{ name: 'existing', partitions: 50 }]))[0].errorCode).toBe(
      ErrorCode.NONE,
    );
    const accepted: string[] = [];
    for (let i = 0; i < 100; i++) {
      const [r] = await createTopicsRaw(b.port, [{ name: `flood-${i}`, partitions: 50 }]);
      if (r.errorCode === ErrorCode.NONE) accepted.push(r.name);
      else {
        expect(r.errorCode).toBe(ErrorCode.POLICY_VIOLATION);
        expect(r.errorMessage).toContain('max.partitions=1000');
      }
    }
    expect(accepted).toHaveLength(19); // 50 + 19 × 50 = 1000
    expect(b.topicDirs()).toEqual(['existing', ...accepted].sort());

    // write to all 1,000 partitions (2,000 segment files), then the existing topic round-trips
    await roundTrip(
      b.bootstrap,
      accepted.map((topic) => ({ topic, partitions: 50 })),
      'all',
    );
    await roundTrip(b.bootstrap, [{ topic: 'existing', partitions: 50 }], 'after');
    const fds = openFds(b.pid, b.topicsDir);
    expect(fds.inDir).toBeLessThanOrEqual(64);
    expect(fds.total).toBeLessThan(nofile);
  }, 180_000);

  it('600 partitions under RLIMIT_NOFILE=128 are created and written, and the Schema Registry keeps answering', async () => {
    const nofile = 128;
    const b = await start(['--schema-registry-port', '0'], nofile);
    const admin = kafkaClient(b.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'wide', numPartitions: 600 }] });
    await admin.disconnect();
    expect(await registryAnswers(b.schemaRegistryPort!, 'during')).toBe(200);
    await roundTrip(b.bootstrap, [{ topic: 'wide', partitions: 600 }], 'wide');
    expect(await registryAnswers(b.schemaRegistryPort!, 'after')).toBe(200);
    expect(openFds(b.pid).total).toBeLessThan(nofile);
  }, 180_000);

  it('default connection limits keep a connection flood from exhausting descriptors', async () => {
    const nofile = 128; // defaults: 8 connections per listener, 32 segment files
    const b = await start(['--schema-registry-port', '0'], nofile);
    const flood = [];
    for (let i = 0; i < 150; i++) flood.push(await openSocket(b.port));
    const served = await Promise.all(flood.map((c) => answersApiVersions(c.socket)));
    expect(served.filter(Boolean)).toHaveLength(8);
    expect(openFds(b.pid).total).toBeLessThan(nofile);
    expect(await registryAnswers(b.schemaRegistryPort!, 'flooded')).toBe(200);
    // an admitted connection still creates topics
    const held = flood[served.indexOf(true)];
    const res = decodeResponse<CreateTopicsResponse>(
      19,
      4,
      await exchange(
        held.socket,
        requestFrame(19, 4, 2, {
          topics: [{ name: 'ok', numPartitions: 100, replicationFactor: 1, assignments: [], configs: [] }],
          timeoutMs: 30_000,
          validateOnly: false,
        }),
      ),
    );
    expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
    for (const c of flood) c.socket.destroy();
  }, 120_000);

  it('a creation failing for lack of descriptors leaves nothing behind; the broker recovers', async () => {
    const nofile = 128;
    // limits set above what the process can hold, so that connections do exhaust descriptors
    const b = await start(['--schema-registry-port', '0', '--max-connections', '1000'], nofile);
    expect((await createTopicsRaw(b.port, [{ name: 'before', partitions: 4 }]))[0].errorCode).toBe(
      ErrorCode.NONE,
    );
    const admin = await openSocket(b.port);
    expect(await answersApiVersions(admin.socket)).toBe(true);
    const flood = [];
    for (let i = 0; i < 200; i++) flood.push(await openSocket(b.port));
    // the broker accepted until the process ran out of descriptors (later ones are closed)
    await waitFor('descriptors to run out', () => openFds(b.pid).total >= nofile - 2, 30_000);
    const res = decodeResponse<CreateTopicsResponse>(
      19,
      4,
      await exchange(
        admin.socket,
        requestFrame(19, 4, 9, {
          topics: [
            { name: 'starved', numPartitions: 20, replicationFactor: 1, assignments: [], configs: [] },
          ],
          timeoutMs: 30_000,
          validateOnly: false,
        }),
      ),
    );
    expect(res.topics[0].errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(res.topics[0].errorMessage).toContain('starved');
    expect(b.topicDirs()).toEqual(['before']);

    for (const c of flood) c.socket.destroy();
    admin.socket.destroy();
    await waitFor('the flood connections to close', () => openFds(b.pid).total < 64, 30_000);
    expect((await createTopicsRaw(b.port, [{ name: 'starved', partitions: 20 }]))[0].errorCode).toBe(
      ErrorCode.NONE,
    );
    await roundTrip(
      b.bootstrap,
      [
        { topic: 'before', partitions: 4 },
        { topic: 'starved', partitions: 20 },
      ],
      'recovered',
    );
    expect(await registryAnswers(b.schemaRegistryPort!, 'recovered')).toBe(200);
  }, 120_000);
});
