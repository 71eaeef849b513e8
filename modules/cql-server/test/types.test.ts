import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, cassandra, createKeyspace, startFixture } from './helpers/fixture.js';

const { types } = cassandra;

/** For every supported type: sample values (ascending order as Cassandra sorts them) and a CQL literal. */
const SAMPLES: Record<string, { values: unknown[]; literal: string; literalValue: unknown }> = {
  text: { values: ['', 'a', 'ab', 'b', 'zé€'], literal: "'it''s'", literalValue: "it's" },
  varchar: { values: ['A', 'a'], literal: "'v'", literalValue: 'v' },
  ascii: { values: ['a', 'b', 'c'], literal: "'asc'", literalValue: 'asc' },
  int: { values: [-2147483648, -1, 0, 7, 2147483647], literal: '-42', literalValue: -42 },
  bigint: {
    values: [
      types.Long.fromString('-9223372036854775808'),
      types.Long.fromNumber(-1),
      types.Long.fromNumber(0),
      types.Long.fromString('9223372036854775807'),
    ],
    literal: '9007199254740993',
    literalValue: types.Long.fromString('9007199254740993'),
  },
  smallint: { values: [-32768, -1, 0, 32767], literal: '-7', literalValue: -7 },
  tinyint: { values: [-128, -1, 0, 127], literal: '12', literalValue: 12 },
  double: { values: [-1e300, -1.5, 0, 2.25, 1e300], literal: '3.5e2', literalValue: 350 },
  float: { values: [-2.5, 0, 1.5, 1024], literal: '0.5', literalValue: 0.5 },
  boolean: { values: [false, true], literal: 'true', literalValue: true },
  timestamp: {
    values: [new Date('1969-12-31T23:59:59.000Z'), new Date(0), new Date('2024-02-29T12:34:56.789Z')],
    literal: "'2024-01-02 03:04:05+0000'",
    literalValue: new Date('2024-01-02T03:04:05Z'),
  },
  date: {
    values: [
      types.LocalDate.fromString('1900-01-01'),
      types.LocalDate.fromString('1970-01-01'),
      types.LocalDate.fromString('2024-02-29'),
    ],
    literal: "'2023-06-15'",
    literalValue: types.LocalDate.fromString('2023-06-15'),
  },
  time: {
    values: [
      types.LocalTime.fromString('00:00:00'),
      types.LocalTime.fromString('08:30:00.123456789'),
      types.LocalTime.fromString('23:59:59.999'),
    ],
    literal: "'13:14:15.5'",
    literalValue: types.LocalTime.fromString('13:14:15.5'),
  },
  uuid: {
    values: [
      types.Uuid.fromString('00000000-0000-4000-8000-000000000000'),
      types.Uuid.fromString('7d444840-9dc0-41d1-8000-fa8f1cb7d3a0'),
      types.Uuid.fromString('ffffffff-ffff-4fff-bfff-ffffffffffff'),
    ],
    literal: '550e8400-e29b-41d4-a716-446655440000',
    literalValue: types.Uuid.fromString('550e8400-e29b-41d4-a716-446655440000'),
  },
  timeuuid: {
    values: [
      types.TimeUuid.fromDate(new Date('2000-01-01T00:00:00Z'), 0, Buffer.alloc(6), Buffer.alloc(2)),
      types.TimeUuid.fromDate(new Date('2020-01-01T00:00:00Z'), 0, Buffer.alloc(6), Buffer.alloc(2)),
      types.TimeUuid.fromDate(new Date('2020-01-01T00:00:01Z'), 0, Buffer.alloc(6), Buffer.alloc(2)),
    ],
    literal: '50554d6e-29bb-11e5-b345-feff819cdc9f',
    literalValue: types.TimeUuid.fromString('50554d6e-29bb-11e5-b345-feff819cdc9f'),
  },
  blob: {
    values: [Buffer.from([]), Buffer.from([0]), Buffer.from([0, 1]), Buffer.from([0xff])],
    literal: '0xcafe',
    literalValue: Buffer.from([0xca, 0xfe]),
  },
  decimal: {
    values: [
      types.BigDecimal.fromString('-12345678901234567890.5'),
      types.BigDecimal.fromString('-0.001'),
      types.BigDecimal.fromString('0'),
      types.BigDecimal.fromString('1.10'),
      types.BigDecimal.fromString('2'),
    ],
    literal: '-3.14159',
    literalValue: types.BigDecimal.fromString('-3.14159'),
  },
  varint: {
    values: [
      types.Integer.fromString('-340282366920938463463374607431768211456'),
      types.Integer.fromNumber(-129),
      types.Integer.fromNumber(-128),
      types.Integer.fromNumber(0),
      types.Integer.fromNumber(127),
      types.Integer.fromNumber(128),
      types.Integer.fromString('340282366920938463463374607431768211456'),
    ],
    literal: '-1000000000000000000000',
    literalValue: types.Integer.fromString('-1000000000000000000000'),
  },
};

/** Normalizes driver values for comparison (driver types have no structural equality). */
function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return `blob:${v.toString('hex')}`;
  if (v instanceof Date) return `ts:${v.getTime()}`;
  if (typeof v === 'object') return `${v.constructor.name}:${String(v)}`;
  return v;
}

describe('prepared round trip for every supported type', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('types');
    await createKeyspace(f.client, 'types');
  });
  afterAll(async () => f?.stop());

  for (const [type, sample] of Object.entries(SAMPLES)) {
    it(`${type}: values, null and literal survive insert/select; clustering order matches Cassandra's`, async () => {
      const table = `types.t_${type}`;
      await f.client.execute(`CREATE TABLE ${table} (k int, c ${type}, v ${type}, PRIMARY KEY (k, c))`);
      const insert = `INSERT INTO ${table} (k, c, v) VALUES (?, ?, ?)`;
      // Insert in reverse order so the server must sort the clustering column itself.
      for (const value of [...sample.values].reverse()) {
        await f.client.execute(insert, [1, value, value], { prepare: true });
      }
      const rs = await f.client.execute(`SELECT c, v FROM ${table} WHERE k = ?`, [1], { prepare: true });
      expect(rs.rows.map((r) => norm(r.c))).toEqual(sample.values.map(norm));
      expect(rs.rows.map((r) => norm(r.v))).toEqual(sample.values.map(norm));
      // Like Cassandra, text columns are described with the varchar type id (0x000D) in v4 metadata.
      // dataTypes.getByName exists in the driver but is missing from its typings.
      const dataTypes = types.dataTypes as unknown as { getByName(name: string): { code: number } };
      const expectedCode = dataTypes.getByName(type === 'text' ? 'varchar' : type).code;
      for (const col of rs.columns) expect(col.type.code).toBe(expectedCode);

      // Null in a regular column; a literal in a plain (unprepared) statement.
      await f.client.execute(insert, [2, sample.values[0], null], { prepare: true });
      await f.client.execute(
        `INSERT INTO ${table} (k, c, v) VALUES (3, ${sample.literal}, ${sample.literal})`,
      );
      const nullRow = await f.client.execute(`SELECT v FROM ${table} WHERE k = 2`);
      expect(nullRow.rows[0].v).toBeNull();
      const litRow = await f.client.execute(`SELECT c, v FROM ${table} WHERE k = ?`, [3], { prepare: true });
      expect(norm(litRow.rows[0].v)).toEqual(norm(sample.literalValue));
      expect(norm(litRow.rows[0].c)).toEqual(norm(sample.literalValue));

      // Equality on the clustering column with a bound value finds exactly that row.
      const probe = sample.values[1];
      const one = await f.client.execute(`SELECT v FROM ${table} WHERE k = ? AND c = ?`, [1, probe], {
        prepare: true,
      });
      expect(one.rows.map((r) => norm(r.v))).toEqual([norm(probe)]);
    });
  }

  it('rejects a bound value of the wrong size with an invalid-request error', async () => {
    await f.client.execute('CREATE TABLE types.sized (k int PRIMARY KEY, v bigint)');
    const err = await f.client
      .execute('INSERT INTO types.sized (k, v) VALUES (?, ?)', [1, Buffer.from([1, 2, 3])], { prepare: true })
      .catch((e: { code: number }) => e);
    expect(err).toMatchObject({ code: 0x2200 });
  });
});
