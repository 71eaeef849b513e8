import { KsqlError } from '../errors.js';
import type { FormatInfo, FormatName } from '../format/format.js';
import { parseDelimiter } from '../format/delimited-format.js';
import type { Properties, PropertyValue } from '../parser/ast.js';

const FORMAT_NAMES: ReadonlySet<string> = new Set([
  'KAFKA',
  'JSON',
  'DELIMITED',
  'AVRO',
  'JSON_SR',
  'PROTOBUF',
  'PROTOBUF_NOSR',
  'NONE',
]);

/** WITH properties a CREATE STREAM / TABLE accepts (ksqlDB's CreateSourceProperties). */
export const CREATE_SOURCE_PROPERTIES: ReadonlySet<string> = new Set([
  'KAFKA_TOPIC',
  'KEY_FORMAT',
  'VALUE_FORMAT',
  'FORMAT',
  'PARTITIONS',
  'REPLICAS',
  'TIMESTAMP',
  'TIMESTAMP_FORMAT',
  'WRAP_SINGLE_VALUE',
  'KEY_SCHEMA_ID',
  'VALUE_SCHEMA_ID',
  'KEY_SCHEMA_FULL_NAME',
  'VALUE_SCHEMA_FULL_NAME',
  'VALUE_AVRO_SCHEMA_FULL_NAME',
  'VALUE_DELIMITER',
  'KEY_DELIMITER',
  'KEY_PROTOBUF_NULLABLE_REPRESENTATION',
  'VALUE_PROTOBUF_NULLABLE_REPRESENTATION',
  'WINDOW_TYPE',
  'WINDOW_SIZE',
  'RETENTION_MS',
  'SOURCE_CONNECTOR',
]);

/** WITH properties a CREATE … AS SELECT accepts (ksqlDB's CreateSourceAsProperties). */
export const CREATE_AS_PROPERTIES: ReadonlySet<string> = new Set([
  'KAFKA_TOPIC',
  'KEY_FORMAT',
  'VALUE_FORMAT',
  'FORMAT',
  'PARTITIONS',
  'REPLICAS',
  'TIMESTAMP',
  'TIMESTAMP_FORMAT',
  'WRAP_SINGLE_VALUE',
  'KEY_SCHEMA_ID',
  'VALUE_SCHEMA_ID',
  'KEY_SCHEMA_FULL_NAME',
  'VALUE_SCHEMA_FULL_NAME',
  'VALUE_AVRO_SCHEMA_FULL_NAME',
  'VALUE_DELIMITER',
  'KEY_DELIMITER',
  'KEY_PROTOBUF_NULLABLE_REPRESENTATION',
  'VALUE_PROTOBUF_NULLABLE_REPRESENTATION',
  'RETENTION_MS',
]);

/** Typed reads of a statement's WITH clause, with ksqlDB's messages for bad values. */
export class WithClause {
  constructor(readonly props: Properties) {}

  check(allowed: ReadonlySet<string>): void {
    const bad = [...this.props.keys()].filter((k) => !allowed.has(k));
    if (bad.length > 0)
      throw new KsqlError(`Invalid config variable(s) in the WITH clause: ${bad.join(',')}`);
  }

  has(name: string): boolean {
    return this.props.has(name);
  }

  raw(name: string): PropertyValue | undefined {
    return this.props.get(name)?.value;
  }

  string(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    return String(v);
  }

  int(name: string): number | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (!Number.isInteger(n)) {
      throw new KsqlError(
        `Invalid value ${String(v)} for property ${name}: Not an integer.`,
        this.props.get(name)?.pos,
      );
    }
    return n;
  }

  boolean(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    const s = String(v).toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
    throw new KsqlError(`Property '${name}' is not a boolean value`, this.props.get(name)?.pos);
  }

  /** A format name property (`VALUE_FORMAT='json'` → JSON); unknown names fail as ksqlDB does. */
  format(name: string): FormatName | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    return formatName(v);
  }
}

export function formatName(text: string): FormatName {
  const upper = text.toUpperCase();
  if (!FORMAT_NAMES.has(upper)) throw new KsqlError(`Unknown format: ${upper}`);
  return upper as FormatName;
}

/**
 * The key and value FormatInfo of a WITH clause: FORMAT sets both, *_FORMAT one each; format
 * properties use ksqlDB's FormatInfo property names (`delimiter`, `schemaId`, `fullSchemaName`).
 * `defaults` supplies what the clause leaves out (KAFKA / ksql.persistence.default.format.value
 * for CREATE, the source's formats for CREATE … AS).
 */
export function formatsOf(
  w: WithClause,
  defaults: { readonly key?: FormatInfo; readonly value?: FormatInfo },
): { key?: FormatInfo; value?: FormatInfo } {
  const both = w.format('FORMAT');
  if (both && w.has('KEY_FORMAT')) {
    throw new KsqlError(
      "Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.",
    );
  }
  if (both && w.has('VALUE_FORMAT')) {
    throw new KsqlError(
      "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.",
    );
  }
  const keyName = both ?? w.format('KEY_FORMAT');
  const valueName = both ?? w.format('VALUE_FORMAT');
  const keyProps = formatProperties(w, 'KEY');
  const valueProps = formatProperties(w, 'VALUE');
  checkFormatConfigs('KEY', keyName, keyProps);
  checkFormatConfigs('VALUE', valueName, valueProps);
  return {
    key: withInherited(keyName, keyProps, defaults.key),
    value: withInherited(valueName, valueProps, defaults.value),
  };
}

/**
 * The format properties a sink takes over from its source when both use the same format
 * (ksqlDB's Format.getInheritableProperties): DELIMITED its delimiter, PROTOBUF its schema's full
 * name, PROTOBUF_NOSR its nullable representation; never a schema id meant for another topic.
 */
const INHERITABLE: Readonly<Partial<Record<FormatName, readonly string[]>>> = {
  DELIMITED: ['delimiter'],
  PROTOBUF: ['fullSchemaName'],
  PROTOBUF_NOSR: ['nullableRepresentation'],
};

function withInherited(
  name: FormatName | undefined,
  given: Record<string, string>,
  inherited: FormatInfo | undefined,
): FormatInfo | undefined {
  const format = name ?? inherited?.name;
  if (format === undefined) return undefined;
  const properties: Record<string, string> = {};
  if (inherited && inherited.name === format) {
    for (const k of INHERITABLE[format] ?? []) {
      const v = inherited.properties[k];
      if (v !== undefined) properties[k] = v;
    }
  }
  return { name: format, properties: { ...properties, ...given } };
}

function formatProperties(w: WithClause, part: 'KEY' | 'VALUE'): Record<string, string> {
  const out: Record<string, string> = {};
  const delimiter = w.string(`${part}_DELIMITER`);
  if (delimiter !== undefined) {
    try {
      parseDelimiter(delimiter);
    } catch (err) {
      throw new KsqlError(
        `Failed to prepare statement: Configuration ${part}_DELIMITER is invalid: ${(err as Error).message}`,
      );
    }
    // Kept as written (`TAB`, `SPACE`, `|`): the DELIMITED format reads the names itself.
    out.delimiter = delimiter;
  }
  const id = w.string(`${part}_SCHEMA_ID`);
  if (id !== undefined) out.schemaId = id;
  const name =
    w.string(`${part}_SCHEMA_FULL_NAME`) ??
    (part === 'VALUE' ? w.string('VALUE_AVRO_SCHEMA_FULL_NAME') : undefined);
  if (name !== undefined) out.fullSchemaName = name;
  // ksqlDB's ProtobufProperties.NULLABLE_REPRESENTATION: 'optional' or 'wrapper'
  const nullableProp = `${part}_PROTOBUF_NULLABLE_REPRESENTATION`;
  const nullable = w.string(nullableProp);
  if (nullable !== undefined) {
    const v = nullable.trim().toUpperCase();
    if (v !== 'OPTIONAL' && v !== 'WRAPPER') {
      throw new KsqlError(
        `Invalid value ${nullable} for property ${nullableProp}: String must be one of: OPTIONAL, WRAPPER, null`,
        w.props.get(nullableProp)?.pos,
      );
    }
    out.nullableRepresentation = v.toLowerCase();
  }
  return out;
}

/** Which formats take which format properties (ksqlDB's per-format supported configs). */
const FORMAT_CONFIGS: Readonly<Record<string, readonly string[]>> = {
  delimiter: ['DELIMITED'],
  schemaId: ['AVRO', 'JSON_SR', 'PROTOBUF'],
  fullSchemaName: ['AVRO', 'PROTOBUF'],
  nullableRepresentation: ['PROTOBUF', 'PROTOBUF_NOSR'],
};

function checkFormatConfigs(
  part: 'KEY' | 'VALUE',
  format: FormatName | undefined,
  props: Readonly<Record<string, string>>,
): void {
  if (format === undefined) return;
  if (props.schemaId !== undefined && !FORMAT_CONFIGS.schemaId.includes(format)) {
    throw new KsqlError(
      `${part}_FORMAT should support schema inference when ${part}_SCHEMA_ID is provided. Current format is ${format}.`,
    );
  }
  if (props.nullableRepresentation !== undefined && !FORMAT_CONFIGS.nullableRepresentation.includes(format)) {
    throw new KsqlError(
      `Property ${part}_PROTOBUF_NULLABLE_REPRESENTATION can only be enabled with protobuf format`,
    );
  }
  const unsupported = Object.keys(props).filter((k) => !FORMAT_CONFIGS[k]?.includes(format));
  if (unsupported.length > 0)
    throw new KsqlError(`${format} does not support the following configs: [${unsupported.join(', ')}]`);
  if (props.fullSchemaName !== undefined && props.fullSchemaName.trim() === '') {
    throw new KsqlError('fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}');
  }
}
