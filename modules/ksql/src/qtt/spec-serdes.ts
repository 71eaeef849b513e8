import type { Column } from '../schema/logical-schema.js';
import type { SchemaRegistry } from '../format/format.js';
import { fetchImports } from '../format/protobuf-load.js';
import { printProtoFile, protobufSchemaOf } from '../format/protobuf-schema.js';
import { AvroSpecCodec } from './avro-spec.js';
import { ProtobufSpecCodec } from './protobuf-spec.js';
import { isJsonObject, JsonNumber, type JsonValue, parseJson, stringifyJson } from './json-text.js';
import { ExactDecimal, type SpecObject, type SpecValue } from './spec-values.js';
import type { QttWindow } from './test-model.js';

/**
 * The test side of a topic's formats (ksqlDB's SerdeUtil / *SerdeSupplier for tests): turns the
 * JSON of a test record into bytes and output bytes back into comparable values by each format's
 * wire rules, independently of the engine's serdes — so the engine's serdes are what is tested.
 *   JSON       the test JSON written as is; read back with exact numbers
 *   JSON_SR    the same after the 5-byte schema-registry header (numbers read as Long/Double)
 *   AVRO       through the subject's latest schema (avro-spec.ts)
 *   PROTOBUF   through the subject's latest schema (protobuf-spec.ts), after the header and the
 *              message indexes; PROTOBUF_NOSR: the message of all the part's columns, unframed
 *   DELIMITED  the test string as is (tests write `"1,foo"`)
 *   KAFKA      the single column's type: INT/BIGINT/DOUBLE big-endian, STRING/BYTES UTF-8,
 *              no column: a UTF-8 string
 *   NONE       nothing
 * Windowed keys are Kafka Streams' layouts: key ‖ start (time windows), key ‖ end ‖ start (session).
 */
export class UnsupportedTestFormat extends Error {
  constructor(readonly format: string) {
    super(`${format} test data`);
    this.name = 'UnsupportedTestFormat';
  }
}

export interface TopicFormats {
  readonly topic: string;
  readonly keyFormat: string;
  readonly valueFormat: string;
  /** Format properties (PROTOBUF's fullSchemaName and nullableRepresentation shape its test data). */
  readonly keyProperties?: Readonly<Record<string, string>>;
  readonly valueProperties?: Readonly<Record<string, string>>;
  readonly keyColumns: readonly Column[];
  readonly valueColumns: readonly Column[];
  readonly windowType?: 'TUMBLING' | 'HOPPING' | 'SESSION';
  readonly windowSize?: number;
}

export interface SpecContext {
  readonly registry: SchemaRegistry;
  /** ksqlDB's `use.exact.numeric.comparison` (default true): JSON fractions as BigDecimal, else Double. */
  readonly exactNumbers: boolean;
}

export interface DecodedKey {
  readonly key: SpecValue;
  readonly window?: QttWindow;
}

const subject = (topic: string, isKey: boolean) => `${topic}-${isKey ? 'key' : 'value'}`;

export async function serializeSpec(
  ctx: SpecContext,
  info: TopicFormats,
  isKey: boolean,
  spec: JsonValue,
  window?: QttWindow,
): Promise<Buffer | null> {
  const inner = await serializeUnwindowed(ctx, info, isKey, spec);
  if (!isKey || !window) return inner;
  const body = inner ?? Buffer.alloc(0);
  const ts = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    return b;
  };
  return window.type === 'SESSION'
    ? Buffer.concat([body, ts(window.end), ts(window.start)])
    : Buffer.concat([body, ts(window.start)]);
}

async function serializeUnwindowed(
  ctx: SpecContext,
  info: TopicFormats,
  isKey: boolean,
  spec: JsonValue,
): Promise<Buffer | null> {
  const format = (isKey ? info.keyFormat : info.valueFormat).toUpperCase();
  if (format === 'NONE') return null;
  if (spec === null) return null;
  switch (format) {
    case 'JSON':
      return Buffer.from(stringifyJson(spec), 'utf8');
    case 'JSON_SR': {
      const latest = await ctx.registry.latest(subject(info.topic, isKey));
      if (!latest) throw new Error(`no schema registered for subject ${subject(info.topic, isKey)}`);
      return Buffer.concat([header(latest.id), Buffer.from(stringifyJson(spec), 'utf8')]);
    }
    case 'AVRO': {
      const latest = await ctx.registry.latest(subject(info.topic, isKey));
      if (!latest) throw new Error(`no schema registered for subject ${subject(info.topic, isKey)}`);
      return Buffer.concat([header(latest.id), new AvroSpecCodec(latest.schema.schema).encode(spec)]);
    }
    case 'PROTOBUF': {
      const latest = await ctx.registry.latest(subject(info.topic, isKey));
      if (!latest) throw new Error(`no schema registered for subject ${subject(info.topic, isKey)}`);
      const codec = protobufCodec(
        latest.schema.schema,
        props(info, isKey).fullSchemaName,
        await fetchImports(ctx.registry, latest.schema),
      );
      return Buffer.concat([header(latest.id), codec.indexBytes(), codec.encode(spec)]);
    }
    case 'PROTOBUF_NOSR':
      return noSrCodec(info, isKey).encode(spec);
    case 'DELIMITED':
      return Buffer.from(
        spec instanceof JsonNumber ? spec.text : typeof spec === 'string' ? spec : stringifyJson(spec),
        'utf8',
      );
    case 'KAFKA':
      return kafkaSerialize(isKey ? info.keyColumns : info.valueColumns, spec);
    default:
      throw new UnsupportedTestFormat(format);
  }
}

export async function deserializeSpec(
  ctx: SpecContext,
  info: TopicFormats,
  isKey: boolean,
  bytes: Buffer | null,
): Promise<DecodedKey> {
  if (bytes === null) return { key: null };
  if (isKey && info.windowType) {
    if (info.windowType === 'SESSION') {
      const body = bytes.subarray(0, bytes.length - 16);
      const end = Number(bytes.readBigInt64BE(bytes.length - 16));
      const start = Number(bytes.readBigInt64BE(bytes.length - 8));
      return {
        key: await deserializeUnwindowed(ctx, info, isKey, body),
        window: { start, end, type: 'SESSION' },
      };
    }
    const body = bytes.subarray(0, bytes.length - 8);
    const start = Number(bytes.readBigInt64BE(bytes.length - 8));
    const end = info.windowSize === undefined ? Number.NaN : start + info.windowSize;
    return { key: await deserializeUnwindowed(ctx, info, isKey, body), window: { start, end, type: 'TIME' } };
  }
  return { key: await deserializeUnwindowed(ctx, info, isKey, bytes) };
}

async function deserializeUnwindowed(
  ctx: SpecContext,
  info: TopicFormats,
  isKey: boolean,
  bytes: Buffer,
): Promise<SpecValue> {
  const format = (isKey ? info.keyFormat : info.valueFormat).toUpperCase();
  switch (format) {
    case 'NONE':
      return null;
    case 'JSON':
      return jsonToSpec(parseJson(bytes.toString('utf8')), ctx.exactNumbers);
    case 'JSON_SR':
      return jsonToSpec(parseJson(bytes.subarray(5).toString('utf8')), false);
    case 'AVRO': {
      if (bytes.length < 5 || bytes[0] !== 0)
        throw new Error('not a schema-registry AVRO payload (no magic byte)');
      const schema = await ctx.registry.byId(bytes.readInt32BE(1));
      return new AvroSpecCodec(schema.schema).decode(bytes.subarray(5));
    }
    case 'PROTOBUF': {
      if (bytes.length < 5 || bytes[0] !== 0)
        throw new Error('not a schema-registry PROTOBUF payload (no magic byte)');
      const schema = await ctx.registry.byId(bytes.readInt32BE(1));
      const imports = await fetchImports(ctx.registry, schema);
      return protobufCodec(schema.schema, undefined, imports).decodeFramed(bytes, 5);
    }
    case 'PROTOBUF_NOSR':
      return noSrCodec(info, isKey).decode(bytes);
    case 'DELIMITED':
      return bytes.toString('utf8');
    case 'KAFKA':
      return kafkaDeserialize(isKey ? info.keyColumns : info.valueColumns, bytes);
    default:
      throw new UnsupportedTestFormat(format);
  }
}

function props(info: TopicFormats, isKey: boolean): Readonly<Record<string, string>> {
  return (isKey ? info.keyProperties : info.valueProperties) ?? {};
}

const protobufCodecs = new Map<string, ProtobufSpecCodec>();

function protobufCodec(
  schemaText: string,
  fullName: string | undefined,
  imports: ReadonlyMap<string, string> = new Map(),
): ProtobufSpecCodec {
  const key = `${fullName ?? ''}\u0000${schemaText}\u0000${JSON.stringify([...imports])}`;
  let codec = protobufCodecs.get(key);
  if (!codec) {
    codec = new ProtobufSpecCodec(schemaText, fullName?.trim() || undefined, imports);
    protobufCodecs.set(key, codec);
  }
  return codec;
}

/** ksqlDB's NOSR test serde: a message of all the part's columns (a single key too). */
function noSrCodec(info: TopicFormats, isKey: boolean): ProtobufSpecCodec {
  const nullable = props(info, isKey).nullableRepresentation?.toLowerCase();
  const { file } = protobufSchemaOf(isKey ? info.keyColumns : info.valueColumns, true, {
    nullable: nullable === 'optional' || nullable === 'wrapper' ? nullable : undefined,
  });
  return protobufCodec(printProtoFile(file), undefined);
}

function header(id: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeInt32BE(id, 1);
  return b;
}

function jsonToSpec(v: JsonValue, exact: boolean): SpecValue {
  if (v instanceof JsonNumber) {
    if (v.isIntegral) return BigInt(v.text);
    return exact ? ExactDecimal.parse(v.text) : v.toNumber();
  }
  if (Array.isArray(v)) return v.map((e) => jsonToSpec(e, exact));
  if (isJsonObject(v)) {
    const out: SpecObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsonToSpec(x, exact);
    return out;
  }
  return v;
}

function kafkaColumn(columns: readonly Column[]): Column | undefined {
  if (columns.length > 1) throw new Error('KAFKA format only supports single column schemas.');
  return columns[0];
}

function kafkaSerialize(columns: readonly Column[], spec: JsonValue): Buffer {
  const col = kafkaColumn(columns);
  const text = spec instanceof JsonNumber ? spec.text : typeof spec === 'string' ? spec : stringifyJson(spec);
  if (!col) return Buffer.from(text, 'utf8');
  switch (col.type.base) {
    case 'INTEGER': {
      if (!(spec instanceof JsonNumber)) throw new Error(`Can't serialize ${text} as Integer`);
      const b = Buffer.alloc(4);
      b.writeInt32BE(Number(text));
      return b;
    }
    case 'BIGINT': {
      if (!(spec instanceof JsonNumber)) throw new Error(`Can't serialize ${text} as Long`);
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(spec.isIntegral ? BigInt(text) : BigInt(Math.trunc(Number(text))));
      return b;
    }
    case 'DOUBLE': {
      if (!(spec instanceof JsonNumber)) throw new Error(`Can't serialize ${text} as Double`);
      const b = Buffer.alloc(8);
      b.writeDoubleBE(Number(text));
      return b;
    }
    case 'STRING':
    case 'BYTES':
      return Buffer.from(text, 'utf8');
    default:
      throw new Error('Unsupported type for KAFKA format');
  }
}

function kafkaDeserialize(columns: readonly Column[], bytes: Buffer): SpecValue {
  const col = kafkaColumn(columns);
  if (!col) return bytes.toString('utf8');
  switch (col.type.base) {
    case 'INTEGER':
      if (bytes.length !== 4) throw new Error('Size of data received by IntegerDeserializer is not 4');
      return BigInt(bytes.readInt32BE(0));
    case 'BIGINT':
      if (bytes.length !== 8) throw new Error('Size of data received by LongDeserializer is not 8');
      return bytes.readBigInt64BE(0);
    case 'DOUBLE':
      if (bytes.length !== 8) throw new Error('Size of data received by DoubleDeserializer is not 8');
      // ksqlDB's test serde reads doubles as BigDecimal.valueOf(d), i.e. Double.toString's digits.
      return ExactDecimal.parse(javaDoubleToString(bytes.readDoubleBE(0)));
    case 'STRING':
    // ksqlDB's test serde reads KAFKA BYTES back as UTF-8 text too (tests write them as text)
    case 'BYTES':
      return bytes.toString('utf8');
    default:
      throw new Error('Unsupported type for KAFKA format');
  }
}

/** Java's Double.toString: plain with ≥1 fraction digit in [1e-3, 1e7), else `d.dddE±n`. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  let [mantissa, expText] = abs.toExponential().split('e');
  // Java writes at least two significant digits and then picks the closest two-digit decimal
  // (Double.MIN_VALUE is 4.9E-324, not 5.0E-324)
  if (!mantissa.includes('.')) [mantissa, expText] = abs.toExponential(1).split('e');
  const exp = Number(expText);
  const digits = mantissa.replace('.', '').replace(/(\d)0$/, '$1');
  const sign = d < 0 ? '-' : '';
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1) || '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1) || '0';
  return `${sign}${digits[0]}.${frac}E${exp}`;
}
