import type { ProcessorContext, Record, Serde, Windowed } from '@meterstream/streams';
import { describe, expect, it } from 'vitest';
import { planJoin } from '../../src/plan/join-step.js';
import type { PlannedStream } from '../../src/plan/planned-stream.js';
import { type GenericKey, type GenericRow, LogicalSchema } from '../../src/schema/logical-schema.js';
import { SqlTypes } from '../../src/types/sql-type.js';
import {
  arraySerde,
  col,
  eq,
  INT,
  joinClause,
  pick,
  run,
  streamSource,
  testContext,
  within,
} from './join-helpers.js';

type WKey = GenericKey | Windowed<GenericKey>;
const windowedSerde: Serde<WKey> = {
  serialize: (k) => Buffer.from(JSON.stringify(k)),
  deserialize: (b) => JSON.parse(b.toString()) as Windowed<GenericKey>,
};

/** A windowed stream (as a windowed aggregate's output): key {key, window}, row with WINDOWSTART/END. */
function windowedStream(ctx: ReturnType<typeof testContext>, topic: string, alias: string, valueCol: string) {
  const raw = ctx.builder.stream<WKey, GenericRow>(topic, {
    keySerde: windowedSerde,
    valueSerde: arraySerde as Serde<GenericRow>,
  });
  const rows = raw.process<WKey, GenericRow>(() => {
    let c!: ProcessorContext<WKey, GenericRow>;
    return {
      init: (x) => {
        c = x;
      },
      process: (r: Record<WKey, GenericRow>) => {
        const k = r.key as Windowed<GenericKey>;
        c.forward(r.withValue([...r.value, ...k.key, r.timestamp, 0, 0, k.window.start, k.window.end]));
      },
    };
  });
  const stream = rows.derive<WKey, GenericRow>(
    rows.nodeName,
    false,
    windowedSerde,
    arraySerde as Serde<GenericRow>,
  );
  const schema = LogicalSchema.of(
    [{ name: 'ID', type: INT }],
    [
      { name: valueCol, type: INT },
      { name: 'ID', type: INT },
      { name: 'ROWTIME', type: SqlTypes.BIGINT },
      { name: 'ROWPARTITION', type: SqlTypes.INTEGER },
      { name: 'ROWOFFSET', type: SqlTypes.BIGINT },
      { name: 'WINDOWSTART', type: SqlTypes.BIGINT },
      { name: 'WINDOWEND', type: SqlTypes.BIGINT },
    ],
  );
  const planned: PlannedStream = {
    kind: 'STREAM',
    stream,
    schema,
    window: { type: 'TUMBLING', sizeMs: 100 },
    withPseudoColumns: true,
  };
  return { alias, planned };
}

describe('planJoin: windowed sources', () => {
  it('joins on key and window; the result carries WINDOWSTART and WINDOWEND of its key', async () => {
    const ctx = testContext();
    const l = windowedStream(ctx, 'l', 'L', 'A');
    const r = windowedStream(ctx, 'r', 'R', 'B');
    const result = await planJoin(
      l,
      r,
      joinClause('INNER', 'R', eq(col('L', 'ID'), col('R', 'ID')), within(1000)),
      ctx,
    );
    expect(result.window).toEqual({ type: 'TUMBLING', sizeMs: 100 });
    expect(result.schema.value.slice(-6).map((c) => c.name)).toEqual([
      'L_ID',
      'ROWTIME',
      'ROWPARTITION',
      'ROWOFFSET',
      'WINDOWSTART',
      'WINDOWEND',
    ]);
    const { driver, read } = run(ctx, result);
    const li = driver.createInputTopic('l', windowedSerde, arraySerde);
    const ri = driver.createInputTopic('r', windowedSerde, arraySerde);
    li.pipeInput({ key: [1], window: { start: 0, end: 100 } }, [10], 50);
    ri.pipeInput({ key: [1], window: { start: 100, end: 200 } }, [20], 150); // same key, other window
    ri.pipeInput({ key: [1], window: { start: 0, end: 100 } }, [21], 60);
    expect(read().map(([, row]) => pick(result, row, ['L_A', 'R_B', 'WINDOWSTART', 'WINDOWEND']))).toEqual([
      [10, 21, 0, 100],
    ]);
  });

  it('refuses to join a windowed source with a non-windowed one', async () => {
    const ctx = testContext();
    const l = windowedStream(ctx, 'l', 'L', 'A');
    const r = streamSource(ctx.builder, 'r', 'R', [['ID', INT]], [['B', INT]]);
    await expect(
      planJoin(l, r, joinClause('INNER', 'R', eq(col('L', 'ID'), col('R', 'ID')), within(10)), ctx),
    ).rejects.toThrow(
      'Can not join windowed source to non-windowed source.\n`L` is TUMBLING windowed\n`R` is not windowed',
    );
  });
});
