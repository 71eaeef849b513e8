import { waitFor } from '@meterstream/test-support';
import type { TransientQueryPlan } from '@meterstream/ksql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaPushQuery } from '../../src/runtime/push-query.js';
import type { ProcessingLogRecord } from '../../src/runtime/processing-log.js';
import { Cluster, jsonValue, transientPlan } from './harness.js';

const cluster = new Cluster();
beforeAll(() => cluster.start());
afterAll(() => cluster.stop());

/** Reads `n` rows (or until the rows end). */
async function take(rows: AsyncIterable<readonly unknown[]>, n: number): Promise<(readonly unknown[])[]> {
  const out: (readonly unknown[])[] = [];
  if (n <= 0) return out;
  for await (const row of rows) {
    out.push(row);
    if (out.length >= n) break;
  }
  return out;
}

async function groupsOf(applicationId: string): Promise<string[]> {
  const { groups } = await cluster.admin.listGroups();
  return groups.map((g) => g.groupId).filter((g) => g.startsWith(applicationId));
}

describe('KafkaQueryRuntime: push queries', () => {
  it('ends at LIMIT, laid out as its schema, then deletes its consumer group', async () => {
    await cluster.createTopic('clicks', 2);
    const engine = cluster.engine();
    await engine.execute(
      "CREATE STREAM CLICKS (USERID STRING KEY, PAGE STRING) WITH (kafka_topic='clicks', value_format='JSON');",
    );
    await cluster.send('clicks', [{ key: 'u0', value: Buffer.from('not json'), partition: 0 }]);
    await cluster.send(
      'clicks',
      Array.from({ length: 6 }, (_, i) => ({ key: `u${i % 2}`, value: { PAGE: `p${i}` }, partition: i % 2 })),
    );
    const plan = transientPlan<TransientQueryPlan>(
      await engine.execute('SELECT USERID, UCASE(PAGE) AS P FROM CLICKS EMIT CHANGES LIMIT 4;'),
    );
    const runtime = cluster.runtime();
    try {
      const push = (await runtime.push(plan, { 'auto.offset.reset': 'earliest' })) as KafkaPushQuery;
      expect(push.id).toBe(plan.id);
      expect(push.applicationId.startsWith(plan.applicationId)).toBe(true);
      const rows: (readonly unknown[])[] = [];
      for await (const row of push.rows) rows.push(row); // ends by itself at LIMIT
      expect(rows).toHaveLength(4);
      for (const [user, page] of rows) {
        expect(['u0', 'u1']).toContain(user);
        expect(String(page)).toMatch(/^P[0-5]$/);
      }
      // Per partition, in offset order.
      const u0 = rows.filter((r) => r[0] === 'u0').map((r) => Number(String(r[1]).slice(1)));
      expect(u0).toEqual([...u0].sort((a, b) => a - b));
      await push.close();
      expect(await groupsOf(push.applicationId)).toEqual([]);
      expect(runtime.pushQueries().size).toBe(0);
      // The bad record before them went to the processing log, under the push query's logger.
      await runtime.flushProcessingLog();
      const entries = (await cluster.read(runtime.processingLogTopic, 1)).map(
        (m) => jsonValue(m) as ProcessingLogRecord,
      );
      expect(entries.map((e) => [e.logger, e.message.deserializationError.topic])).toEqual([
        [`processing.${plan.id}.KsqlTopic.Deserializer`, 'clicks'],
      ]);
      // Rows are not included unless ksql.logging.processing.rows.include is set, as ksqlDB.
      expect(entries[0]?.message.deserializationError.recordB64).toBeNull();
    } finally {
      await runtime.close();
    }
  });

  it('reads from the latest offset by default; close() ends the rows and deletes its internal topics', async () => {
    await cluster.createTopic('meters', 1);
    const engine = cluster.engine();
    await engine.execute(
      "CREATE STREAM METERS (ID STRING KEY, W INT) WITH (kafka_topic='meters', value_format='JSON');",
    );
    await cluster.send('meters', [{ key: 'old', value: { W: 1 } }]);
    // An aggregation: the push query has a changelog (and repartition) topic of its own.
    const plan = transientPlan<TransientQueryPlan>(
      await engine.execute('SELECT W, COUNT(*) AS N FROM METERS GROUP BY W EMIT CHANGES;'),
    );
    const runtime = cluster.runtime();
    try {
      const push = (await runtime.push(plan, {})) as KafkaPushQuery;
      const internal = plan.topology.internalTopics(push.applicationId).map((t) => t.name);
      expect(internal.length).toBeGreaterThan(0);
      expect(await cluster.admin.listTopics()).toEqual(expect.arrayContaining(internal));
      const iterator = push.rows[Symbol.asyncIterator]();
      const first = iterator.next();
      // `latest` is resolved on the first fetch after the assignment: write until a row arrives.
      let got: IteratorResult<readonly unknown[]> | undefined;
      void first.then((r) => {
        got = r;
      });
      for (let i = 0; got === undefined; i++) {
        if (i > 100) throw new Error('no row');
        await cluster.send('meters', [{ key: 'new', value: { W: 7 } }]);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(got?.value?.[0]).toBe(7); // never the old record's W=1

      await push.close();
      await push.close(); // idempotent
      // Rows end after close (what was buffered is still handed out first).
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) expect(r.value[0]).toBe(7);
      const left = await cluster.admin.listTopics();
      for (const t of internal) expect(left).not.toContain(t);
      expect(await groupsOf(push.applicationId)).toEqual([]);
    } finally {
      await runtime.close();
    }
  });

  it('a reader that stops reading pauses the query: the buffer stays bounded, and reading on gets every row', async () => {
    await cluster.createTopic('firehose', 1);
    const engine = cluster.engine();
    await engine.execute(
      "CREATE STREAM FIREHOSE (ID STRING KEY, N INT, PAD STRING) WITH (kafka_topic='firehose', value_format='JSON');",
    );
    // ~1 KB records: a fetch (1 MB per partition) holds about a thousand of them.
    const total = 4_000;
    const pad = 'x'.repeat(1_000);
    for (let from = 0; from < total; from += 500)
      await cluster.send(
        'firehose',
        Array.from({ length: 500 }, (_, i) => ({ key: 'k', value: { N: from + i, PAD: pad } })),
      );
    const plan = transientPlan<TransientQueryPlan>(
      await engine.execute('SELECT ID, N FROM FIREHOSE EMIT CHANGES;'),
    );
    const runtime = cluster.runtime({ pushBufferRows: 100 });
    try {
      const push = (await runtime.push(plan, { 'auto.offset.reset': 'earliest' })) as KafkaPushQuery;
      // Nobody reads: the query fills the buffer, pauses, and takes no more input.
      await waitFor('the query pauses', () => push.paused);
      await new Promise((r) => setTimeout(r, 2_000));
      const held = push.buffered;
      await new Promise((r) => setTimeout(r, 1_000));
      expect(push.buffered).toBe(held);
      expect(held).toBeGreaterThanOrEqual(100);
      expect(held).toBeLessThan(total / 2);
      expect(push.state).toBe('RUNNING');

      // Reading on resumes it; every row arrives once, in order.
      const rows = await take(push.rows, total);
      expect(rows.map((r) => r[1])).toEqual(Array.from({ length: total }, (_, i) => i));
      await push.close();
    } finally {
      await runtime.close();
    }
  });

  it('runs 20 push queries at once, each getting its rows', async () => {
    await cluster.createTopic('shared', 2);
    const engine = cluster.engine();
    await engine.execute(
      "CREATE STREAM SHARED (ID STRING KEY, N INT) WITH (kafka_topic='shared', value_format='JSON');",
    );
    await cluster.send(
      'shared',
      Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: { N: i }, partition: i % 2 })),
    );
    const runtime = cluster.runtime();
    try {
      const pushes = await Promise.all(
        Array.from({ length: 20 }, async (_, q) => {
          const plan = transientPlan<TransientQueryPlan>(
            await engine.execute(`SELECT ID, N FROM SHARED WHERE N >= ${q} EMIT CHANGES;`),
          );
          return runtime.push(plan, { 'auto.offset.reset': 'earliest' });
        }),
      );
      expect(new Set(pushes.map((p) => p.id)).size).toBe(20);
      expect(runtime.pushQueries().size).toBe(20);
      const results = await Promise.all(pushes.map((p, q) => take(p.rows, 20 - q)));
      results.forEach((rows, q) => {
        expect(rows.map((r) => r[1]).sort((a, b) => Number(a) - Number(b))).toEqual(
          Array.from({ length: 20 - q }, (_, i) => q + i),
        );
      });
      // Breaking out of the loop (take) closed them.
      await waitFor('all closed', () => runtime.pushQueries().size === 0);
    } finally {
      await runtime.close();
    }
  });
});
