import { describe, expect, it } from 'vitest';
import { SqlTypes } from '../../src/types/sql-type.js';
import { type JsonNumber, parseJson, stringifyJson } from '../../src/qtt/json-text.js';
import { specMatches } from '../../src/qtt/record-comparator.js';
import { formatColumns, parseSchemaText } from '../../src/qtt/schema-text.js';
import {
  deserializeSpec,
  javaDoubleToString,
  serializeSpec,
  type TopicFormats,
} from '../../src/qtt/spec-serdes.js';
import { ExactDecimal } from '../../src/qtt/spec-values.js';
import { reasonOf } from '../../src/qtt/qtt-report.js';
import { createdTopic } from '../../src/qtt/topic-setup.js';
import { parseQttFile } from '../../src/qtt/test-loader.js';
import { QttSchemaRegistry } from '../../src/qtt/qtt-schema-registry.js';

const j = (text: string) => parseJson(text);

describe('json-text', () => {
  it('keeps numbers exactly as written and skips comments', () => {
    const v = j('{"a": 1.50, // the price\n "b": [1E3, 12345678901234567890] /* big */}');
    expect(stringifyJson(v)).toBe('{"a":1.50,"b":[1E3,12345678901234567890]}');
    expect((v as { a: JsonNumber }).a.isIntegral).toBe(false);
  });

  it('names the line and column of a syntax error', () => {
    expect(() => j('{\n  "a": ]\n}')).toThrow(/unexpected character at line 2 column 8/);
  });
});

describe('record comparator (ksqlDB rules)', () => {
  it('compares integers with Integer/Long actuals by truncated value', () => {
    expect(specMatches(10n, j('10'))).toBe(true);
    expect(specMatches(10n, j('10.7'))).toBe(true);
    expect(specMatches(11n, j('10'))).toBe(false);
  });

  it('compares doubles within 1e-6', () => {
    expect(specMatches(0.1 + 0.2, j('0.3'))).toBe(true);
    expect(specMatches(0.3001, j('0.3'))).toBe(false);
  });

  it('compares decimals by digits and scale; an integral literal only a scale-0 decimal', () => {
    expect(specMatches(ExactDecimal.parse('1.50'), j('1.50'))).toBe(true);
    expect(specMatches(ExactDecimal.parse('1.5'), j('1.50'))).toBe(false);
    expect(specMatches(ExactDecimal.parse('10'), j('10'))).toBe(true);
    expect(specMatches(ExactDecimal.parse('10.0'), j('10'))).toBe(false);
    expect(specMatches(ExactDecimal.parse('10.0'), j('"10.0"'))).toBe(true);
  });

  it('ignores object field order, looks fields up upper-cased, requires the same field count', () => {
    expect(specMatches({ B: 2n, A: 'x' }, j('{"a": "x", "B": 2}'))).toBe(true);
    expect(specMatches({ A: 'x', B: 2n }, j('{"A": "x"}'))).toBe(false);
    expect(specMatches([1n, null], j('[1, null]'))).toBe(true);
    expect(specMatches(null, j('null'))).toBe(true);
    expect(specMatches(Buffer.from([1, 2]), j('"AQI="'))).toBe(true);
    expect(specMatches('true', j('true'))).toBe(false);
  });
});

describe('test loader', () => {
  it('expands format × config matrices with ksqlDB names and substitutions', () => {
    const file = parseQttFile(
      JSON.stringify({
        tests: [
          {
            name: 'm',
            format: ['AVRO', 'JSON'],
            config: ['true', 'false'],
            properties: { 'ksql.some.flag': '{CONFIG}', other: 5 },
            statements: ["CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='{FORMAT}');"],
            inputs: [{ topic: 't', value: { A: 1 } }],
            outputs: [],
          },
        ],
      }),
      'dir/my-file.json',
    );
    expect(file.tests.map((t) => t.name)).toEqual([
      'my-file - m - AVRO - ksql.some.flag=true',
      'my-file - m - AVRO - ksql.some.flag=false',
      'my-file - m - JSON - ksql.some.flag=true',
      'my-file - m - JSON - ksql.some.flag=false',
    ]);
    expect(file.tests[1].statements[0]).toContain("value_format='AVRO'");
    expect(file.tests[1].properties).toEqual({ 'ksql.some.flag': 'false', other: '5' });
  });

  it('reports invalid tests instead of running them', () => {
    const file = parseQttFile(
      JSON.stringify({ tests: [{ name: 'x', statements: ['SELECT 1;'] }] }),
      'f.json',
    );
    expect(file.invalid).toEqual([
      {
        file: 'f.json',
        name: 'f - x',
        message: "invalid field 'outputs': no inputs, outputs or expectedException provided",
      },
    ]);
  });

  it('finds the topic of a CREATE statement with columns, not of CREATE … AS SELECT', () => {
    expect(
      createdTopic(
        "CREATE TABLE t (id INT PRIMARY KEY) WITH (kafka_topic='top', partitions=4, value_format='JSON');",
      ),
    ).toEqual({
      topic: 'top',
      partitions: 4,
      replicas: undefined,
    });
    expect(createdTopic("CREATE STREAM s WITH (kafka_topic='top', value_format='AVRO');")).toBeUndefined();
    expect(
      createdTopic("CREATE STREAM s (a INT) WITH (kafka_topic='o') AS SELECT * FROM x;"),
    ).toBeUndefined();
  });
});

describe('test serdes', () => {
  const ctx = { registry: new QttSchemaRegistry(), exactNumbers: true };
  const col = (
    name: string,
    type: TopicFormats['keyColumns'][number]['type'],
    namespace: 'KEY' | 'VALUE',
  ) => ({
    name,
    type,
    namespace,
  });

  it('KAFKA: INT big-endian in, Long out; DOUBLE read as BigDecimal.valueOf', async () => {
    const info: TopicFormats = {
      topic: 't',
      keyFormat: 'KAFKA',
      valueFormat: 'KAFKA',
      keyColumns: [col('K', SqlTypes.INTEGER, 'KEY')],
      valueColumns: [col('V', SqlTypes.DOUBLE, 'VALUE')],
    };
    const key = await serializeSpec(ctx, info, true, j('7'));
    expect(key).toEqual(Buffer.from([0, 0, 0, 7]));
    expect((await deserializeSpec(ctx, info, true, key)).key).toBe(7n);
    const value = await serializeSpec(ctx, info, false, j('10'));
    const decoded = (await deserializeSpec(ctx, info, false, value)).key as ExactDecimal;
    expect(decoded.toString()).toBe('10.0');
    expect(javaDoubleToString(1e7)).toBe('1.0E7');
    expect(javaDoubleToString(0.0001)).toBe('1.0E-4');
    expect(javaDoubleToString(123.456)).toBe('123.456');
    expect(javaDoubleToString(-0.001)).toBe('-0.001');
    expect(javaDoubleToString(Number.MIN_VALUE)).toBe('4.9E-324');
    expect(javaDoubleToString(1e23)).toBe('1.0E23');
    expect(javaDoubleToString(2)).toBe('2.0');
  });

  it('windowed keys: time windows carry the start, session windows end then start', async () => {
    const base: TopicFormats = {
      topic: 't',
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      keyColumns: [col('K', SqlTypes.STRING, 'KEY')],
      valueColumns: [],
      windowType: 'TUMBLING',
      windowSize: 1000,
    };
    const tumbling = await serializeSpec(ctx, base, true, 'a', { start: 2000, end: 3000, type: 'TIME' });
    expect(tumbling!.subarray(0, 1).toString()).toBe('a');
    expect(tumbling!.readBigInt64BE(1)).toBe(2000n);
    expect(await deserializeSpec(ctx, base, true, tumbling)).toEqual({
      key: 'a',
      window: { start: 2000, end: 3000, type: 'TIME' },
    });
    const session = { ...base, windowType: 'SESSION' as const };
    const bytes = await serializeSpec(ctx, session, true, 'a', { start: 5, end: 9, type: 'SESSION' });
    expect(bytes!.readBigInt64BE(1)).toBe(9n);
    expect(await deserializeSpec(ctx, session, true, bytes)).toEqual({
      key: 'a',
      window: { start: 5, end: 9, type: 'SESSION' },
    });
  });

  it('AVRO: case-insensitive fields, optional unions, decimals and bytes through the registered schema', async () => {
    const registry = new QttSchemaRegistry();
    await registry.register('t-value', {
      schemaType: 'AVRO',
      schema: JSON.stringify({
        type: 'record',
        name: 'R',
        fields: [
          { name: 'ID', type: ['null', 'long'], default: null },
          {
            name: 'PRICE',
            type: ['null', { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 2 }],
            default: null,
          },
          { name: 'RAW', type: ['null', 'bytes'], default: null },
          { name: 'TAGS', type: ['null', { type: 'array', items: ['null', 'string'] }], default: null },
        ],
      }),
    });
    const info: TopicFormats = {
      topic: 't',
      keyFormat: 'KAFKA',
      valueFormat: 'AVRO',
      keyColumns: [],
      valueColumns: [],
    };
    const c = { registry, exactNumbers: true };
    const bytes = await serializeSpec(
      c,
      info,
      false,
      j('{"id": 5, "price": -1.5, "raw": "AQI=", "tags": ["x", null]}'),
    );
    expect(bytes![0]).toBe(0);
    expect(bytes!.readInt32BE(1)).toBe(1);
    const back = (await deserializeSpec(c, info, false, bytes)).key;
    expect(specMatches(back, j('{"ID": 5, "PRICE": -1.50, "RAW": "AQI=", "TAGS": ["x", null]}'))).toBe(true);
    expect(specMatches(back, j('{"ID": 5, "PRICE": -1.5, "RAW": "AQI=", "TAGS": ["x", null]}'))).toBe(false);
  });
});

describe('schema text', () => {
  it('parses key, value and header columns, quoting and nested types', () => {
    const cols = parseSchemaText(
      "`k` STRING KEY, V DECIMAL(4, 2), S STRUCT<`a` INT, B ARRAY<MAP<STRING, BIGINT>>>, H BYTES HEADER('x')",
    );
    expect(formatColumns(cols)).toBe(
      "`k` STRING KEY, `V` DECIMAL(4, 2), `S` STRUCT<`a` INTEGER, `B` ARRAY<MAP<STRING, BIGINT>>>, `H` BYTES HEADER('x')",
    );
    expect(parseSchemaText('1R INT')[0].name).toBe('1R');
    expect(parseSchemaText('ID INT PRIMARY KEY')[0]).toEqual({
      name: 'ID',
      type: SqlTypes.INTEGER,
      namespace: 'KEY',
    });
  });
});

describe('test schema registry', () => {
  it('shares ids for equal schemas, keeps versions per subject and takes fixed ids', async () => {
    const r = new QttSchemaRegistry();
    const a = { schemaType: 'AVRO' as const, schema: '"int"' };
    const b = { schemaType: 'AVRO' as const, schema: '"long"' };
    await r.registerWithId('t-value', b, 1);
    expect(await r.register('x-value', a)).toBe(2);
    expect(await r.register('y-value', a)).toBe(2);
    expect(await r.latest('t-value')).toEqual({ id: 1, schema: b });
    await expect(r.registerWithId('z-value', a, 1)).rejects.toThrow('schema id 1 is already taken');
    await expect(r.byId(9)).rejects.toThrow('Schema 9 not found');
  });
});

describe('report reasons', () => {
  it('groups crashes by error and place, failures by kind with specifics masked', () => {
    const base = { file: 'f.json', name: 'n', durationMs: 0 };
    expect(
      reasonOf({
        ...base,
        status: 'crashed',
        message:
          "TypeError: Cannot read properties of undefined (reading 'x') (at planJoin (/a/b/plan/join-step.js:12:7))",
      }),
    ).toBe("TypeError: Cannot read properties of undefined (reading '…') @ planJoin join-step.js");
    expect(
      reasonOf({
        ...base,
        status: 'failed',
        message: 'Topic OUT. Expected <3> records but it was <1>\nActual records:',
      }),
    ).toBe('Topic T: Expected <N> records but it was <N>');
    expect(reasonOf({ ...base, status: 'unsupported', feature: 'WINDOW SESSION' })).toBe('WINDOW SESSION');
  });
});

describe('AVRO maps as Connect writes them', () => {
  it('turns a JSON object into MapEntry records and back', async () => {
    const registry = new QttSchemaRegistry();
    const entry = {
      type: 'record',
      name: 'MapEntry',
      namespace: 'io.confluent.connect.avro',
      fields: [
        { name: 'key', type: ['null', 'string'], default: null },
        { name: 'value', type: ['null', 'int'], default: null },
      ],
    };
    await registry.register('m-value', {
      schemaType: 'AVRO',
      schema: JSON.stringify({
        type: 'record',
        name: 'R',
        fields: [{ name: 'M', type: ['null', { type: 'array', items: entry }], default: null }],
      }),
    });
    const info: TopicFormats = {
      topic: 'm',
      keyFormat: 'KAFKA',
      valueFormat: 'AVRO',
      keyColumns: [],
      valueColumns: [],
    };
    const c = { registry, exactNumbers: true };
    const bytes = await serializeSpec(c, info, false, j('{"m": {"a": 1, "b": null}}'));
    const back = (await deserializeSpec(c, info, false, bytes)).key;
    expect(back).toEqual({ M: { a: 1n, b: null } });
  });
});

describe('AVRO longs', () => {
  it('keep BIGINT values beyond 2^53 exact', async () => {
    const registry = new QttSchemaRegistry();
    await registry.register('l-value', {
      schemaType: 'AVRO',
      schema: JSON.stringify({
        type: 'record',
        name: 'R',
        fields: [{ name: 'B', type: ['null', 'long'], default: null }],
      }),
    });
    const info: TopicFormats = {
      topic: 'l',
      keyFormat: 'KAFKA',
      valueFormat: 'AVRO',
      keyColumns: [],
      valueColumns: [],
    };
    const c = { registry, exactNumbers: true };
    const bytes = await serializeSpec(c, info, false, j('{"B": 9223372036854775807}'));
    expect((await deserializeSpec(c, info, false, bytes)).key).toEqual({ B: 9223372036854775807n });
  });
});

describe('AVRO bare long keys', () => {
  it('encode and decode a top-level long schema exactly', async () => {
    const registry = new QttSchemaRegistry();
    await registry.register('k-key', { schemaType: 'AVRO', schema: '{"type": "long"}' });
    const info: TopicFormats = {
      topic: 'k',
      keyFormat: 'AVRO',
      valueFormat: 'JSON',
      keyColumns: [],
      valueColumns: [],
    };
    const c = { registry, exactNumbers: true };
    const bytes = await serializeSpec(c, info, true, j('998877665544332211'));
    expect((await deserializeSpec(c, info, true, bytes)).key).toBe(998877665544332211n);
  });
});

describe('AVRO longs with a logical type', () => {
  it('timestamp-millis fields inside unions stay exact longs', async () => {
    const registry = new QttSchemaRegistry();
    await registry.register('ts-value', {
      schemaType: 'AVRO',
      schema: JSON.stringify({
        type: 'record',
        name: 'R',
        fields: [
          { name: 'T', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
        ],
      }),
    });
    const info: TopicFormats = {
      topic: 'ts',
      keyFormat: 'KAFKA',
      valueFormat: 'AVRO',
      keyColumns: [],
      valueColumns: [],
    };
    const c = { registry, exactNumbers: true };
    const bytes = await serializeSpec(c, info, false, j('{"T": 1600000000123}'));
    expect((await deserializeSpec(c, info, false, bytes)).key).toEqual({ T: 1600000000123n });
  });
});

describe('KAFKA BYTES test data', () => {
  it('is written and read back as UTF-8 text, as ksqlDB does', async () => {
    const info: TopicFormats = {
      topic: 'b',
      keyFormat: 'KAFKA',
      valueFormat: 'KAFKA',
      keyColumns: [],
      valueColumns: [{ name: 'B', type: SqlTypes.BYTES, namespace: 'VALUE' }],
    };
    const c = { registry: new QttSchemaRegistry(), exactNumbers: true };
    const bytes = await serializeSpec(c, info, false, 'dmFy');
    expect(bytes).toEqual(Buffer.from('dmFy', 'utf8'));
    const back = (await deserializeSpec(c, info, false, bytes)).key;
    expect(specMatches(back, j('"dmFy"'))).toBe(true);
  });
});
