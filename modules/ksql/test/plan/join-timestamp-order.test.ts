import {
  type OutputRecord,
  PartitionGroup,
  type RawRecord,
  type Serde,
  StreamTask,
  type Windowed,
} from '@meterstream/streams';
import { describe, expect, it } from 'vitest';
import { planJoin } from '../../src/plan/join-step.js';
import type { GenericKey, GenericRow } from '../../src/schema/logical-schema.js';
import {
  arraySerde,
  col,
  eq,
  INT,
  joinClause,
  pick,
  STRING,
  streamSource,
  tableSource,
  testContext,
} from './join-helpers.js';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

/**
 * The Kafka runtime feeds a join task through a PartitionGroup: records fetched from both inputs
 * are taken smallest timestamp first (Kafka Streams' semantics; the TopologyTestDriver, like
 * Kafka's, processes in pipe order instead).
 */
describe('planJoin: stream–table join in timestamp order across its inputs', () => {
  it('a thresholds row inserted now never meets metrics replayed with event times years ago', async () => {
    const ctx = testContext();
    const metrics = streamSource(ctx.builder, 'metrics', 'M', [['HOST', INT]], [['CPU', INT]]);
    const thresholds = tableSource(
      ctx.builder,
      'thresholds',
      'T',
      [['HOST', INT]],
      [
        ['LIMIT', INT],
        ['OWNER', STRING],
      ],
    );
    const result = await planJoin(
      metrics,
      thresholds,
      joinClause('LEFT', 'T', eq(col('M', 'HOST'), col('T', 'HOST'))),
      ctx,
    );
    if (result.kind !== 'STREAM') throw new Error('a stream–table join yields a stream');
    result.stream.to('OUT', {
      keySerde: arraySerde as Serde<GenericKey | Windowed<GenericKey>>,
      valueSerde: arraySerde as Serde<GenericRow>,
    });
    const topology = ctx.builder.build();
    const out: OutputRecord[] = [];
    const task = new StreamTask({
      applicationId: 'app',
      topology,
      subtopology: topology.subtopologies()[0],
      partition: 0,
      collector: { send: (r) => out.push(r) },
    });
    task.initialize();
    const now = Date.UTC(2026, 11, 4);
    const replayed = Date.UTC(2021, 0, 1);
    const raw = (
      topic: string,
      offset: number,
      timestamp: number,
      key: unknown[],
      value: unknown[],
    ): RawRecord => ({
      topic,
      partition: 0,
      offset,
      timestamp,
      key: json(key),
      value: json(value),
    });
    const group = new PartitionGroup<RawRecord>({
      timestampOf: (r) => r.timestamp,
      offsetOf: (r) => r.offset,
      maxTaskIdleMs: 0,
    });
    group.add('thresholds', 0, [raw('thresholds', 0, now, [1], [80, 'ops'])], 1);
    group.add(
      'metrics',
      0,
      [raw('metrics', 0, replayed, [1], [95]), raw('metrics', 1, replayed + 60_000, [1], [97])],
      2,
    );
    group.add('metrics', 0, [raw('metrics', 2, now + 1000, [1], [99])], 3);
    for (let n = group.next(0); n; n = group.next(0)) {
      group.pop(n.topic, n.partition);
      task.process(n.record);
    }
    task.flush();
    const rows = out.map((r) =>
      pick(result, JSON.parse(r.value!.toString()), ['M_CPU', 'T_LIMIT', 'ROWTIME']),
    );
    expect(rows).toEqual([
      [95, null, replayed],
      [97, null, replayed + 60_000],
      [99, 80, now + 1000],
    ]);
  });
});
