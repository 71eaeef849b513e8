import type { RegistryPrinter } from '@meterstream/ksql';

/**
 * PRINT's record lines as ksqlDB's RecordFormatter writes them:
 * `rowtime: 2024/01/01 00:00:00.000 Z, key: k1, value: {"a":1}, partition: 0`. Keys and values are
 * shown in the first format, in ksqlDB's order, that can read every non-null payload seen so far;
 * the formats still possible are reported ("Key format: JSON or KAFKA_STRING") when they change.
 *
 * Of ksqlDB's formats this knows AVRO and PROTOBUF (Confluent-framed, their writer schemas from
 * the Schema Registry: the caller fetches the frames' schemas first, see `schemaIdOf`), JSON,
 * KAFKA_INT, KAFKA_BIGINT, KAFKA_DOUBLE and KAFKA_STRING; JSON_SR and windowed keys are not told
 * apart.
 */
type Reader = (bytes: Buffer) => string | undefined;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined; // not UTF-8: this format cannot read it (ksqlDB: "replacement char")
  }
}

/** Printers of the registry's schemas by id, made before the records that name them are formatted. */
export type SchemaCache = ReadonlyMap<number, RegistryPrinter>;

/** The schema id of a Confluent-framed payload (magic byte 0, int32 id), or undefined. */
export function schemaIdOf(bytes: Buffer | null): number | undefined {
  return bytes !== null && bytes.length >= 5 && bytes[0] === 0 ? bytes.readInt32BE(1) : undefined;
}

/** AVRO / PROTOBUF: a framed payload whose schema is of that type and decodes it. */
function registryReader(format: RegistryPrinter['format'], schemas: SchemaCache): Reader {
  return (b) => {
    const id = schemaIdOf(b);
    const printer = id === undefined ? undefined : schemas.get(id);
    if (printer?.format !== format) return undefined;
    try {
      return printer.print(b);
    } catch {
      return undefined; // not this schema's encoding: not this format (ksqlDB: the deserializer throws)
    }
  };
}

/** ksqlDB's Format enum order (JSON_SR left out). */
const formats = (schemas: SchemaCache): readonly (readonly [string, Reader])[] => [
  ['AVRO', registryReader('AVRO', schemas)],
  ['PROTOBUF', registryReader('PROTOBUF', schemas)],
  [
    'JSON',
    (b) => {
      const t = text(b);
      if (t === undefined) return undefined;
      try {
        JSON.parse(t);
        return t;
      } catch {
        return undefined; // not JSON
      }
    },
  ],
  ['KAFKA_INT', (b) => (b.length === 4 ? String(b.readInt32BE()) : undefined)],
  ['KAFKA_BIGINT', (b) => (b.length === 8 ? String(b.readBigInt64BE()) : undefined)],
  ['KAFKA_DOUBLE', (b) => (b.length === 8 ? javaDouble(b.readDoubleBE()) : undefined)],
  ['KAFKA_STRING', text],
];

/** A double as Java's Double.toString prints it for common values (`1.0`, `2.5`). */
function javaDouble(d: number): string {
  return Number.isInteger(d) && Math.abs(d) < 1e7 ? d.toFixed(1) : String(d);
}

/** One side (key or value) of a topic's records: the formats that read everything seen. */
class Deserializers {
  private possible: (readonly [string, Reader])[];
  constructor(schemas: SchemaCache) {
    this.possible = [...formats(schemas)];
  }
  private seenData = false;

  format(bytes: Buffer | null): string {
    if (bytes === null) return '<null>';
    this.seenData = true;
    let first: string | undefined;
    this.possible = this.possible.filter(([, read]) => {
      const out = read(bytes);
      if (out !== undefined && first === undefined) first = out;
      return out !== undefined;
    });
    return first ?? bytes.toString('hex');
  }

  formats(): string[] {
    if (!this.seenData) return ['¯\\_(ツ)_/¯ - no data processed'];
    return this.possible.map(([name]) => name);
  }
}

export interface PrintedRecord {
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition: number;
}

export class RecordFormatter {
  private readonly keys: Deserializers;
  private readonly values: Deserializers;
  private shownKeyFormats = '';
  private shownValueFormats = '';

  /** `schemas` holds printers of the framed payloads' schemas (empty: no AVRO / PROTOBUF). */
  constructor(schemas: SchemaCache = new Map()) {
    this.keys = new Deserializers(schemas);
    this.values = new Deserializers(schemas);
  }

  /** A record's line. */
  format(r: PrintedRecord): string {
    return `rowtime: ${rowtime(r.timestamp)}, key: ${this.keys.format(r.key)}, value: ${this.values.format(r.value)}, partition: ${r.partition}`;
  }

  /** The `Key format: …` / `Value format: …` lines due since the last call (what changed). */
  formatLines(): string[] {
    const out: string[] = [];
    const keys = describe(this.keys.formats());
    if (keys !== this.shownKeyFormats) out.push(`Key format: ${keys}`);
    this.shownKeyFormats = keys;
    const values = describe(this.values.formats());
    if (values !== this.shownValueFormats) out.push(`Value format: ${values}`);
    this.shownValueFormats = values;
    return out;
  }
}

function describe(formats: readonly string[]): string {
  return formats.length === 0
    ? ' does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.'
    : formats.join(' or ');
}

/** ksqlDB's `yyyy/MM/dd HH:mm:ss.SSS z` in UTC; N/A without a timestamp. */
function rowtime(ms: number): string {
  if (!(ms >= 0)) return 'N/A';
  const iso = new Date(ms).toISOString(); // 2024-01-01T00:00:00.000Z
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 23)} Z`;
}
