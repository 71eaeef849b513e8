import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, cassandra, createKeyspace, startFixture } from './helpers/fixture.js';

/*
 * Property-style check of Cassandra's clustering order for every CQL type a table may declare:
 * random and edge values go in through cassandra-driver in shuffled order; SELECT must return them
 * in the order a reference comparator (written here from Cassandra's AbstractType rules, on the
 * driver's values, independently of the server's byte comparators) gives; values the reference
 * calls equal are ONE row, every other value its own row; point lookups and a slice find them.
 */

const { types } = cassandra;
const { Long } = types;

/** Small seeded PRNG (mulberry32) so a failure can be reproduced from the printed seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = Number(process.env.CQL_ORDER_SEED ?? Date.now() % 1_000_000);
const rand = prng(SEED);
const randInt = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const randBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => randInt(0, 255)));
const pick = <T>(xs: readonly T[]): T => xs[randInt(0, xs.length - 1)];
const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Java's doubleToLongBits order made signed-comparable (valid for the one canonical NaN). */
function floatingKey(x: number, bits: 32 | 64): bigint {
  const b = Buffer.alloc(8);
  if (Number.isNaN(x)) x = Number.NaN; // canonical
  let v: bigint;
  if (bits === 64) {
    b.writeDoubleBE(x);
    v = b.readBigInt64BE(0);
  } else {
    b.writeFloatBE(x);
    v = BigInt(b.readInt32BE(0));
  }
  return v >= 0n ? v : v ^ 0x7fffffffffffffffn;
}

/** A decimal as (sign, significant digits, exponent): value = sign × 0.digits × 10^exp. */
function decimalParts(raw: Buffer): { sign: number; digits: string; exp: number } {
  const scale = raw.readInt32BE(0);
  const body = raw.subarray(4);
  let u = body.length === 0 ? 0n : BigInt(`0x${body.toString('hex')}`);
  if (body.length > 0 && body[0] & 0x80) u -= 1n << BigInt(body.length * 8);
  if (u === 0n) return { sign: 0, digits: '', exp: 0 };
  const abs = (u < 0n ? -u : u).toString();
  return { sign: u < 0n ? -1 : 1, digits: abs.replace(/0+$/, ''), exp: abs.length - scale };
}

function compareDecimal(a: Buffer, b: Buffer): number {
  const x = decimalParts(a);
  const y = decimalParts(b);
  if (x.sign !== y.sign || x.sign === 0) return x.sign - y.sign;
  const mag =
    x.exp !== y.exp
      ? x.exp - y.exp
      : cmpStr(x.digits.padEnd(y.digits.length, '0'), y.digits.padEnd(x.digits.length, '0'));
  return Math.sign(mag) * x.sign;
}

const uuidHex = (u: { toString(): string }) => u.toString().replace(/-/g, '');

/** UUIDType: version, then (v1) timestamp or (others) the high 8 bytes, then the low 8 unsigned. */
function uuidKey(hex: string): string {
  const version = hex[12];
  const ts = version === '1' ? hex.slice(13, 16) + hex.slice(8, 12) + hex.slice(0, 8) : hex.slice(0, 16);
  return `${version}${ts}${hex.slice(16)}`;
}

/** TimeUUIDType: timestamp, then bytes 8..15 as SIGNED bytes (flip the sign bit of each). */
function timeuuidKey(hex: string): string {
  const ts = hex.slice(13, 16) + hex.slice(8, 12) + hex.slice(0, 8);
  const tail = Buffer.from(hex.slice(16), 'hex').map((x) => x ^ 0x80);
  return ts + Buffer.from(tail).toString('hex');
}

interface TypeCase {
  values: unknown[];
  compare(a: unknown, b: unknown): number;
  /** How a value (sent or read back) is shown; equal values must show the same. */
  show(v: unknown): string;
}

const num = (v: unknown) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v));
const str = (v: unknown) => String(v);
const bigOf = (v: unknown) => BigInt(String(v));
const decimalBytes = (v: unknown) => types.BigDecimal.toBuffer(v as InstanceType<typeof types.BigDecimal>);
const showDecimal = (v: unknown) => {
  const p = decimalParts(decimalBytes(v));
  return p.sign === 0 ? '0' : `${p.sign < 0 ? '-' : ''}0.${p.digits}e${p.exp}`;
};
/** A decimal with any 32-bit scale (the driver's string parser cannot make those). */
const rawDecimal = (unscaled: bigint, scale: number) =>
  // The typings say `number`; the driver's constructor takes (and needs, beyond 2^53) an Integer.
  new types.BigDecimal(types.Integer.fromString(unscaled.toString()) as unknown as number, scale);

function intCase(bits: number, extra: bigint[] = []): TypeCase {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const values: bigint[] = [min, min + 1n, -1n, 0n, 1n, max - 1n, max, ...extra];
  for (let i = 0; i < 25; i++) {
    const r = (BigInt(randInt(0, 2 ** 31 - 1)) << 32n) | BigInt(randInt(0, 2 ** 31 - 1));
    values.push((r % (max - min + 1n)) + min);
  }
  const toDriver = (v: bigint) =>
    bits === 64
      ? Long.fromString(v.toString())
      : bits > 64
        ? types.Integer.fromString(v.toString())
        : Number(v);
  return { values: values.map(toDriver), compare: (a, b) => cmpBig(bigOf(a), bigOf(b)), show: str };
}

function floatingCase(bits: 32 | 64): TypeCase {
  const round = bits === 32 ? Math.fround : (x: number) => x;
  const tiny = bits === 32 ? 1.401298464324817e-45 : Number.MIN_VALUE;
  const huge = bits === 32 ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const values: unknown[] = [Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0, 0];
  values.push(tiny, -tiny, huge, -huge, 1, -1, round(0.1), round(-0.1), Number.NaN, 0, -0);
  for (let i = 0; i < 25; i++) values.push(round((rand() - 0.5) * 10 ** randInt(-40, 38)));
  // NaNs with other payloads (sent as raw bytes): Double.compare makes every NaN equal.
  if (bits === 64)
    values.push(Buffer.from('7ff8000000000001', 'hex'), Buffer.from('fff8000000000000', 'hex'));
  else values.push(Buffer.from('7fc00001', 'hex'), Buffer.from('ffc00000', 'hex'));
  const asNumber = (v: unknown) => (Buffer.isBuffer(v) ? Number.NaN : (v as number));
  return {
    values,
    compare: (a, b) => cmpBig(floatingKey(asNumber(a), bits), floatingKey(asNumber(b), bits)),
    show: (v) => num(asNumber(v)),
  };
}

const TEXT_POOL = [
  '',
  'a',
  'Z',
  'é',
  '\u00ff',
  '\u0100',
  '\u4e2d',
  '\uffff',
  '\u{1f600}',
  '\u{10ffff}',
  '\u0000',
];
const textCompare = (a: unknown, b: unknown) =>
  Buffer.compare(Buffer.from(a as string, 'utf8'), Buffer.from(b as string, 'utf8'));

function timeuuidOf(tsHex15: string, tailHex: string): unknown {
  const h = tsHex15.padStart(15, '0');
  return types.TimeUuid.fromString(
    `${h.slice(7)}-${h.slice(3, 7)}-1${h.slice(0, 3)}-${tailHex.slice(0, 4)}-${tailHex.slice(4)}`,
  );
}

const hex = (n: number) => randBytes(n).toString('hex');

const CASES: Record<string, () => TypeCase> = {
  int: () => intCase(32),
  smallint: () => intCase(16),
  tinyint: () => intCase(8),
  // Neighbours above 2^53 differ only beyond a double's precision.
  bigint: () => intCase(64, [9007199254740992n, 9007199254740993n, -9007199254740993n]),
  varint: () => intCase(200, [0n, 127n, 128n, -128n, -129n, 255n, 256n, 10n ** 40n, -(10n ** 40n)]),
  decimal: () => {
    const values: unknown[] = [
      '0',
      '0.00',
      '1',
      '1.0',
      '1.00',
      '-1',
      '-1.000',
      '0.1',
      '10',
      '1e3',
      '999.999',
    ].map((s) => types.BigDecimal.fromString(s));
    // Extreme scales: 5e-2147483647, 5e2147483648, -3e-2147483647 and neighbours of 1.
    values.push(rawDecimal(5n, 2147483647), rawDecimal(5n, -2147483648), rawDecimal(-3n, 2147483647));
    values.push(rawDecimal(10n ** 30n + 1n, 30), rawDecimal(10n ** 30n - 1n, 30), rawDecimal(10n ** 30n, 30));
    for (let i = 0; i < 25; i++) {
      const unscaled = BigInt(randInt(-1e9, 1e9)) * BigInt(randInt(0, 1e6));
      values.push(rawDecimal(unscaled, randInt(-5, 20)));
    }
    return {
      values,
      compare: (a, b) => compareDecimal(decimalBytes(a), decimalBytes(b)),
      show: showDecimal,
    };
  },
  float: () => floatingCase(32),
  double: () => floatingCase(64),
  text: () => {
    const values: string[] = [...TEXT_POOL];
    for (let i = 0; i < 25; i++)
      values.push(Array.from({ length: randInt(1, 3) }, () => pick(TEXT_POOL)).join(''));
    return { values, compare: textCompare, show: str };
  },
  varchar: () => ({ values: ['\uffff', '\u{1f600}', 'b', 'B', ''], compare: textCompare, show: str }),
  ascii: () => {
    const values: string[] = ['', '\u0000', '\u007f', 'A', 'a'];
    for (let i = 0; i < 20; i++)
      values.push(String.fromCharCode(...Array.from({ length: randInt(1, 3) }, () => randInt(0, 127))));
    return { values, compare: textCompare, show: str };
  },
  blob: () => {
    const values: Buffer[] = [Buffer.alloc(0), Buffer.from([0]), Buffer.from([0x7f]), Buffer.from([0x80])];
    values.push(Buffer.from([0xff]), Buffer.from([0, 0]), Buffer.from([0x80, 0]));
    for (let i = 0; i < 25; i++) values.push(randBytes(randInt(1, 3)));
    return {
      values,
      compare: (a, b) => Buffer.compare(a as Buffer, b as Buffer),
      show: (v) => (v as Buffer).toString('hex'),
    };
  },
  boolean: () => ({
    values: [true, false, true, false],
    compare: (a, b) => Number(a) - Number(b),
    show: str,
  }),
  timestamp: () => {
    const values = [
      new Date(-1),
      new Date(0),
      new Date(1),
      new Date(-62135596800000),
      new Date(253402300799999),
    ];
    for (let i = 0; i < 25; i++) values.push(new Date(randInt(-4e12, 4e12)));
    return {
      values,
      compare: (a, b) => (a as Date).getTime() - (b as Date).getTime(),
      show: (v) => String((v as Date).getTime()),
    };
  },
  date: () => {
    const values = ['1970-01-01', '1969-12-31', '1000-01-01', '2999-12-31'].map((s) =>
      types.LocalDate.fromString(s),
    );
    for (let i = 0; i < 25; i++) values.push(types.LocalDate.fromDate(new Date(randInt(-3e13, 3e13))));
    const days = (v: unknown) => {
      const [y, m, d] = String(v).split('-').map(Number);
      return Date.UTC(y, m - 1, d) / 864e5;
    };
    return { values, compare: (a, b) => days(a) - days(b), show: str };
  },
  time: () => {
    const nanos = [0n, 1n, 86_399_999_999_999n, 43_200_000_000_000n];
    for (let i = 0; i < 25; i++)
      nanos.push(BigInt(randInt(0, 86_399)) * 1_000_000_000n + BigInt(randInt(0, 999_999_999)));
    const values = nanos.map((n) => new types.LocalTime(Long.fromString(n.toString())));
    const totalNanos = (v: unknown) => bigOf((v as { getTotalNanoseconds(): unknown }).getTotalNanoseconds());
    return {
      values,
      compare: (a, b) => cmpBig(totalNanos(a), totalNanos(b)),
      show: (v) => String(totalNanos(v)),
    };
  },
  uuid: () => {
    const values: unknown[] = [];
    for (let i = 0; i < 10; i++) values.push(types.Uuid.random());
    for (let i = 0; i < 10; i++) values.push(timeuuidOf(hex(8).slice(1), hex(8)));
    // Other versions, and v1 with equal timestamps but low halves differing in the sign bit.
    for (const v of ['0', '2', '3', '5', 'f'])
      values.push(types.Uuid.fromString(`${hex(4)}-${hex(2)}-${v}${hex(2).slice(1)}-${hex(2)}-${hex(6)}`));
    values.push(
      timeuuidOf('123456789abcdef', '0000000000000000'),
      timeuuidOf('123456789abcdef', '8000000000000000'),
    );
    values.push(
      timeuuidOf('123456789abcdef', '0080000000000000'),
      timeuuidOf('123456789abcdef', '7f00000000000000'),
    );
    return {
      values,
      compare: (a, b) => cmpStr(uuidKey(uuidHex(a as object)), uuidKey(uuidHex(b as object))),
      show: str,
    };
  },
  timeuuid: () => {
    const values: unknown[] = [];
    for (let i = 0; i < 15; i++) values.push(timeuuidOf(hex(8).slice(1), hex(8)));
    // One timestamp, tails whose bytes differ in the sign bit: signed order puts 0x80.. first.
    for (const tail of ['8000000000000000', '0000000000000000', '7f00000000000000', 'ff00000000000000'])
      values.push(timeuuidOf('0fedcba98765432', tail));
    for (const tail of ['8080000000000000', '8000000000000000', '8001000000000000', '80ff000000000001'])
      values.push(timeuuidOf('0fedcba98765432', tail));
    values.push(
      timeuuidOf('000000000000000', '0000000000000000'),
      timeuuidOf('fffffffffffffff', 'ffffffffffffffff'),
    );
    return {
      values,
      compare: (a, b) => cmpStr(timeuuidKey(uuidHex(a as object)), timeuuidKey(uuidHex(b as object))),
      show: str,
    };
  },
};

function shuffled<T>(xs: T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randInt(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Equivalence classes of the values under the reference order, sorted ascending. */
function classes(c: TypeCase): { show: string; members: number[] }[] {
  const idx = c.values.map((_, i) => i).sort((i, j) => c.compare(c.values[i], c.values[j]));
  const out: { show: string; members: number[]; rep: unknown }[] = [];
  for (const i of idx) {
    const last = out.at(-1);
    if (last && c.compare(last.rep, c.values[i]) === 0) last.members.push(i);
    else out.push({ show: c.show(c.values[i]), members: [i], rep: c.values[i] });
  }
  return out;
}

describe(`clustering order of every type follows Cassandra (seed ${SEED})`, () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture('order');
    await createKeyspace(f.client, 'ord');
  }, 60_000);
  afterAll(async () => f?.stop());

  for (const [type, make] of Object.entries(CASES)) {
    for (const order of ['ASC', 'DESC'] as const) {
      it(`${type} ${order}: sorted like Cassandra, equal values one row, distinct values never merged`, async () => {
        const c = make();
        const expected = classes(c);
        if (order === 'DESC') expected.reverse();
        const table = `ord.${type}_${order.toLowerCase()}`;
        await f.client.execute(
          `CREATE TABLE ${table} (k int, c ${type}, v int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c ${order})`,
        );
        const insert = `INSERT INTO ${table} (k, c, v) VALUES (?, ?, ?)`;
        await Promise.all(
          shuffled(c.values.map((_, i) => i)).map((i) =>
            f.client.execute(insert, [1, c.values[i], i], { prepare: true }),
          ),
        );

        const rs = await f.client.execute(`SELECT c, v FROM ${table} WHERE k = 1`, [], { fetchSize: 10_000 });
        const context = `seed ${SEED}, values ${c.values.map(c.show).join(' | ')}`;
        expect(
          rs.rows.map((r) => c.show(r.c)),
          context,
        ).toEqual(expected.map((e) => e.show));
        for (const [n, r] of rs.rows.entries()) expect(expected[n].members, context).toContain(r.v);

        // Each value finds exactly the row of its class.
        const select = `SELECT v FROM ${table} WHERE k = 1 AND c = ?`;
        await Promise.all(
          expected.map(async (e) => {
            const one = await f.client.execute(select, [c.values[e.members[0]]], { prepare: true });
            expect(
              one.rows.map((r) => e.members.includes(r.v)),
              `${e.show}; ${context}`,
            ).toEqual([true]);
          }),
        );

        // A slice from the middle class holds exactly the classes after it in clustering order.
        const mid = Math.floor(expected.length / 2);
        const op = order === 'ASC' ? '>' : '<';
        const slice = await f.client.execute(
          `SELECT c FROM ${table} WHERE k = 1 AND c ${op} ?`,
          [c.values[expected[mid].members[0]]],
          { prepare: true },
        );
        expect(
          slice.rows.map((r) => c.show(r.c)),
          context,
        ).toEqual(expected.slice(mid + 1).map((e) => e.show));
      });
    }
  }

  it('partition keys are equal by bytes: NaN, -0.0 and 0.0 are three partitions, NaN finds NaN', async () => {
    await f.client.execute('CREATE TABLE ord.pk_double (p double PRIMARY KEY, v int)');
    const keys = [Number.NaN, -0, 0, 1];
    for (const [i, p] of keys.entries()) {
      await f.client.execute('INSERT INTO ord.pk_double (p, v) VALUES (?, ?)', [p, i], { prepare: true });
    }
    for (const [i, p] of keys.entries()) {
      const rs = await f.client.execute('SELECT p, v FROM ord.pk_double WHERE p = ?', [p], { prepare: true });
      expect(rs.rows.map((r) => [num(r.p), r.v])).toEqual([[num(p), i]]);
    }
    const all = await f.client.execute('SELECT p FROM ord.pk_double');
    expect(all.rows.map((r) => num(r.p)).sort()).toEqual(['-0', '0', '1', 'NaN']);
  });
});
