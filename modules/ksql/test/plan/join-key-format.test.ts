import { describe, expect, it } from 'vitest';
import type { FormatInfo } from '../../src/format/format.js';
import { resolveJoinKeyFormats } from '../../src/plan/join-key-format.js';
import { innermostJoinStart, sideNodeCount, streamJoinNames } from '../../src/plan/join-node-names.js';
import { type JoinSide, planJoin } from '../../src/plan/join-step.js';
import { SqlTypes } from '../../src/types/sql-type.js';
import {
  col,
  eq,
  INT,
  joinClause,
  pick,
  run,
  STRING,
  streamSource,
  tableSource,
  testContext,
  within,
} from './join-helpers.js';

const fmt = (name: FormatInfo['name'], properties: Record<string, string> = {}): FormatInfo => ({
  name,
  properties,
});
const side = (format: FormatInfo | undefined, rekey = false, extra: Partial<{ joined: boolean }> = {}) => ({
  format,
  window: undefined,
  rekey,
  joined: extra.joined ?? false,
  sourceFormats: format ? [format] : [],
});

describe('resolveJoinKeyFormats (KLIP-33)', () => {
  it('takes the left format when the left side is keyed by its operand, and repartitions a right side in another format', () => {
    const r = resolveJoinKeyFormats(side(fmt('DELIMITED')), side(fmt('KAFKA')), {});
    expect(r).toEqual({ format: fmt('DELIMITED'), forceLeft: false, forceRight: true, inference: false });
  });

  it('takes the right format when only the left side is re-keyed', () => {
    const r = resolveJoinKeyFormats(side(fmt('NONE'), true), side(fmt('JSON')), {});
    expect(r.format).toEqual(fmt('JSON'));
    expect([r.forceLeft, r.forceRight]).toEqual([false, false]);
  });

  it('falls back to the first source format that is not NONE, then to ksql.persistence.default.format.key', () => {
    const both = resolveJoinKeyFormats(side(fmt('NONE'), true), side(fmt('JSON'), true), {});
    expect(both.format).toEqual(fmt('JSON'));
    const keyless = resolveJoinKeyFormats(side(fmt('NONE'), true), side(fmt('NONE'), true), {
      'ksql.persistence.default.format.key': 'delimited',
    });
    expect(keyless.format).toEqual(fmt('DELIMITED'));
  });

  it('forces both sides through a repartition with a schema-inferring format, even when formats agree', () => {
    const r = resolveJoinKeyFormats(side(fmt('AVRO')), side(fmt('AVRO')), {});
    expect(r).toMatchObject({ forceLeft: true, forceRight: true, inference: true });
  });

  it('drops schema ids from the chosen format (internal topics register their own schema)', () => {
    const r = resolveJoinKeyFormats(
      side(fmt('AVRO', { schemaId: '7', fullSchemaName: 'a.B' })),
      side(undefined),
      {},
    );
    expect(r.format).toEqual(fmt('AVRO'));
  });

  it('never forces an earlier join keyed by its operand', () => {
    const r = resolveJoinKeyFormats(side(fmt('JSON_SR'), false, { joined: true }), side(fmt('AVRO')), {});
    expect([r.forceLeft, r.forceRight]).toEqual([false, true]);
  });

  it('treats a window difference as a key format difference', () => {
    const l = { ...side(fmt('KAFKA')), window: { type: 'HOPPING' as const, sizeMs: 5000 } };
    const r = { ...side(fmt('KAFKA')), window: { type: 'TUMBLING' as const, sizeMs: 5000 } };
    expect(resolveJoinKeyFormats(l, r, {}).forceRight).toBe(true);
  });
});

describe('ksqlDB node numbering for stream–stream join stores', () => {
  it('counts source, re-key and PrependAlias steps, then the join’s repartitions and windowed nodes', () => {
    // Both sides plain sources; the right one re-keyed: 0-2 left, 3-6 right, 7-9 its repartition,
    // 10-11 the windowed nodes, so this/other are 12 and 13.
    const left = sideNodeCount(0, true, false);
    const right = sideNodeCount(left, true, true);
    expect([left, right]).toEqual([3, 7]);
    const names = streamJoinNames(right!, 1, 'INNER');
    expect(names.stores).toEqual({
      this: 'KSTREAM-JOINTHIS-0000000012-store',
      other: 'KSTREAM-JOINOTHER-0000000013-store',
      outer: 'KSTREAM-OUTERSHARED-0000000012-store',
    });
    expect(names.after).toBe(15);
  });

  it('names outer stores after Kafka Streams’ outer flags (RIGHT is a flipped LEFT join)', () => {
    expect(streamJoinNames(4, 0, 'LEFT').stores.other).toBe('KSTREAM-OUTEROTHER-0000000007-store');
    expect(streamJoinNames(4, 0, 'RIGHT').stores.this).toBe('KSTREAM-JOINTHIS-0000000006-store');
    expect(streamJoinNames(4, 0, 'FULL').stores.this).toBe('KSTREAM-OUTERTHIS-0000000006-store');
  });

  it('starts the innermost join after the tables ksqlDB builds first for later stream–table joins', () => {
    const s = (name: FormatInfo['name']) => ({ type: 'STREAM' as const, keyFormat: fmt(name) });
    const t = (name: FormatInfo['name']) => ({ type: 'TABLE' as const, keyFormat: fmt(name) });
    // The first right source is the innermost join's own: it never counts.
    expect(innermostJoinStart(s('KAFKA'), [t('KAFKA')])).toBe(0);
    expect(innermostJoinStart(s('KAFKA'), [s('KAFKA'), t('KAFKA')])).toBe(6);
    expect(innermostJoinStart(s('KAFKA'), [s('KAFKA'), t('DELIMITED')])).toBe(12);
    expect(innermostJoinStart(s('AVRO'), [s('AVRO'), t('AVRO'), s('AVRO'), t('KAFKA')])).toBe(24);
    // A chain starting with a table has no stream–table join to build first.
    expect(innermostJoinStart({ type: 'TABLE', keyFormat: fmt('KAFKA') }, [t('KAFKA'), t('KAFKA')])).toBe(0);
  });

  it('an earlier join side adds only its re-keying (no PrependAlias); an unknown start stays unknown', () => {
    expect(sideNodeCount(19, false, true)).toBe(20);
    expect(sideNodeCount(undefined, true, true)).toBeUndefined();
  });
});

function withFormat(s: JoinSide, name: FormatInfo['name']): JoinSide {
  return { ...s, keyFormat: fmt(name) };
}

describe('planJoin: key formats of the sides', () => {
  it('stream–stream: a right side in another key format goes through Join-right-repartition and still joins', async () => {
    const ctx = testContext();
    const l = withFormat(streamSource(ctx.builder, 'l', 'L', [['ID', INT]], [['A', INT]]), 'DELIMITED');
    const r = withFormat(streamSource(ctx.builder, 'r', 'R', [['ID', INT]], [['B', STRING]]), 'KAFKA');
    const result = await planJoin(
      l,
      r,
      joinClause('INNER', 'R', eq(col('L', 'ID'), col('R', 'ID')), within(10)),
      ctx,
    );
    expect(result.keyFormat).toEqual(fmt('DELIMITED'));
    const { topology, input, read } = run(ctx, result);
    expect(topology.internalTopics('app').map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'app-Join-right-repartition',
        'app-KSTREAM-JOINTHIS-0000000012-store-changelog',
        'app-KSTREAM-JOINOTHER-0000000013-store-changelog',
      ]),
    );
    expect(topology.internalTopics('app').map((t) => t.name)).not.toContain('app-Join-left-repartition');
    input('l').pipeInput([1], [10], 0);
    input('r').pipeInput([1], ['x'], 1);
    expect(read().map(([k, row]) => [k, pick(result, row, ['L_A', 'R_B'])])).toEqual([[[1], [10, 'x']]]);
  });

  it('stream–stream with AVRO keys: both sides are repartitioned and the store numbers move accordingly', async () => {
    const ctx = testContext();
    const l = withFormat(streamSource(ctx.builder, 'l', 'L', [['ID', INT]], [['A', INT]]), 'AVRO');
    const r = withFormat(streamSource(ctx.builder, 'r', 'R', [['ID', INT]], [['B', INT]]), 'AVRO');
    const result = await planJoin(
      l,
      r,
      joinClause('LEFT', 'R', eq(col('L', 'ID'), col('R', 'ID')), within(10)),
      ctx,
    );
    const names = run(ctx, result)
      .topology.internalTopics('app')
      .map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'app-Join-left-repartition',
        'app-Join-right-repartition',
        'app-KSTREAM-JOINTHIS-0000000016-store-changelog',
        'app-KSTREAM-OUTEROTHER-0000000017-store-changelog',
      ]),
    );
  });

  it('stream–table: a table in another key format is re-keyed into RightSourceKeyed-SelectKey / -Materialize', async () => {
    const ctx = testContext();
    const s = withFormat(streamSource(ctx.builder, 's', 'S', [['ID', INT]], [['A', INT]]), 'DELIMITED');
    const t = withFormat(tableSource(ctx.builder, 't', 'T', [['ID', INT]], [['V', STRING]]), 'KAFKA');
    const result = await planJoin(s, t, joinClause('LEFT', 'T', eq(col('S', 'ID'), col('T', 'ID'))), ctx);
    const { topology, input, read } = run(ctx, result);
    const names = topology.internalTopics('app').map((x) => x.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'app-RightSourceKeyed-SelectKey-repartition',
        'app-RightSourceKeyed-Materialize-changelog',
      ]),
    );
    expect(names).not.toContain('app-Join-repartition');
    input('t').pipeInput([1], ['one'], 0);
    input('s').pipeInput([1], [5], 1);
    input('t').pipeInput([1], null, 2); // a tombstone goes through the re-keying too
    input('s').pipeInput([1], [6], 3);
    expect(read().map(([k, row]) => [k, pick(result, row, ['S_A', 'T_V'])])).toEqual([
      [[1], [5, 'one']],
      [[1], [6, null]],
    ]);
  });

  it('table–table with JSON_SR keys: both tables are re-keyed (Left/RightSourceKeyed)', async () => {
    const ctx = testContext();
    const a = withFormat(tableSource(ctx.builder, 'a', 'A', [['ID', INT]], [['X', INT]]), 'JSON_SR');
    const b = withFormat(tableSource(ctx.builder, 'b', 'B', [['ID', INT]], [['Y', INT]]), 'JSON_SR');
    const result = await planJoin(a, b, joinClause('INNER', 'B', eq(col('A', 'ID'), col('B', 'ID'))), ctx);
    const { topology, input, read } = run(ctx, result);
    expect(topology.internalTopics('app').map((x) => x.name)).toEqual(
      expect.arrayContaining([
        'app-LeftSourceKeyed-SelectKey-repartition',
        'app-LeftSourceKeyed-Materialize-changelog',
        'app-RightSourceKeyed-SelectKey-repartition',
        'app-RightSourceKeyed-Materialize-changelog',
      ]),
    );
    input('a').pipeInput([3], [30], 0);
    input('b').pipeInput([3], [33], 1);
    expect(read().map(([k, row]) => [k, pick(result, row, ['A_X', 'B_Y'])])).toEqual([[[3], [30, 33]]]);
  });

  it('refuses to repartition a windowed source only to change its key format or window', async () => {
    const ctx = testContext();
    const windowed = (s: JoinSide, sizeMs: number, type: 'HOPPING' | 'TUMBLING'): JoinSide => ({
      ...s,
      planned: { ...s.planned, window: { type, sizeMs } },
    });
    const l = windowed(
      withFormat(streamSource(ctx.builder, 'l', 'L', [['ID', INT]], [['A', INT]]), 'KAFKA'),
      5000,
      'HOPPING',
    );
    const r = windowed(
      withFormat(streamSource(ctx.builder, 'r', 'R', [['ID', INT]], [['B', INT]]), 'KAFKA'),
      2000,
      'TUMBLING',
    );
    await expect(
      planJoin(l, r, joinClause('INNER', 'R', eq(col('L', 'ID'), col('R', 'ID')), within(60_000)), ctx),
    ).rejects.toThrow(/^Implicit repartitioning of windowed sources is not supported\./);
  });

  it('refuses a join key that is or contains a MAP, naming the join key column', async () => {
    const ctx = testContext();
    const m = SqlTypes.map(SqlTypes.STRING, SqlTypes.INTEGER);
    const l = streamSource(ctx.builder, 'l', 'L', [['ID', INT]], [['M', m]]);
    const r = streamSource(ctx.builder, 'r', 'R', [['ID', INT]], [['N', m]]);
    await expect(
      planJoin(l, r, joinClause('INNER', 'R', eq(col('L', 'M'), col('R', 'N')), within(10)), ctx),
    ).rejects.toThrow(
      'Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `L_M`. Column type: MAP<STRING, INTEGER>.',
    );
  });

  it('table-stream order errors name the source of the left operand, not the last joined source', async () => {
    const ctx = testContext();
    const a = tableSource(ctx.builder, 'a', 'A', [['ID', INT]], [['X', INT]]);
    const b = tableSource(ctx.builder, 'b', 'B', [['ID', INT]], [['Y', INT]]);
    const ab = await planJoin(a, b, joinClause('INNER', 'B', eq(col('A', 'ID'), col('B', 'ID'))), ctx);
    const s = streamSource(ctx.builder, 's', 'S', [['ID', INT]], [['Z', INT]]);
    await expect(
      planJoin(
        { alias: 'A', planned: ab, sourceName: 'B' },
        s,
        joinClause('INNER', 'S', eq(col('A', 'ID'), col('S', 'ID'))),
        ctx,
      ),
    ).rejects.toThrow('Got A [INNER] JOIN S.');
  });
});
