import { KsqlError } from '../errors.js';
import type { Column } from '../schema/logical-schema.js';
import type { SqlType } from '../types/sql-type.js';

/**
 * The .proto schema ksqlDB derives from a source's columns (its ProtobufSchemaTranslator, i.e.
 * Confluent's ProtobufData.fromConnectSchema over ksqlDB's all-optional Connect schema), and the
 * text the Schema Registry stores for it (ProtobufSchema.canonicalString()).
 *
 *   syntax proto3; root message `ConnectDefault1` (or *_SCHEMA_FULL_NAME, split into package and
 *   name); STRUCT → a nested message `ConnectDefaultN`, numbered depth-first; MAP → a nested
 *   `ConnectDefaultNEntry` message with `key` = 1 and `value` = 2, used as a repeated field;
 *   ARRAY → repeated; DECIMAL → confluent.type.Decimal with precision/scale field_meta params;
 *   DATE → google.type.Date; TIME → google.type.TimeOfDay; TIMESTAMP → google.protobuf.Timestamp.
 *   Nullable primitives: plain (proto3 defaults), `optional` (nullableRepresentation=optional) or
 *   google.protobuf.*Value wrappers (nullableRepresentation=wrapper).
 * Imports are listed in the order first used, as Confluent's DynamicSchema adds them.
 */

export type NullableRepresentation = 'optional' | 'wrapper' | undefined;

export interface ProtoField {
  readonly name: string;
  readonly number: number;
  /** Scalar name (`int32`), or a message's name as written (`ConnectDefault2`, `google.type.Date`). */
  readonly type: string;
  readonly label?: 'repeated' | 'optional';
  /** confluent.field_meta params (DECIMAL's precision and scale), in order. */
  readonly params?: readonly (readonly [string, string])[];
}

export interface ProtoMessage {
  readonly name: string;
  readonly fields: ProtoField[];
  readonly nested: ProtoMessage[];
}

export interface ProtoFile {
  readonly package?: string;
  readonly imports: string[];
  readonly messages: ProtoMessage[];
}

export const DEFAULT_MESSAGE_PREFIX = 'ConnectDefault';

/** Well-known message types ksqlDB's schemas use, and the file each is imported from. */
export const WELL_KNOWN_IMPORTS: Readonly<Record<string, string>> = {
  'confluent.type.Decimal': 'confluent/type/decimal.proto',
  'google.type.Date': 'google/type/date.proto',
  'google.type.TimeOfDay': 'google/type/timeofday.proto',
  'google.protobuf.Timestamp': 'google/protobuf/timestamp.proto',
  'google.protobuf.DoubleValue': 'google/protobuf/wrappers.proto',
  'google.protobuf.FloatValue': 'google/protobuf/wrappers.proto',
  'google.protobuf.Int64Value': 'google/protobuf/wrappers.proto',
  'google.protobuf.UInt64Value': 'google/protobuf/wrappers.proto',
  'google.protobuf.Int32Value': 'google/protobuf/wrappers.proto',
  'google.protobuf.UInt32Value': 'google/protobuf/wrappers.proto',
  'google.protobuf.BoolValue': 'google/protobuf/wrappers.proto',
  'google.protobuf.StringValue': 'google/protobuf/wrappers.proto',
  'google.protobuf.BytesValue': 'google/protobuf/wrappers.proto',
};

/** The wrapper message a primitive column is written as when it is the unwrapped root (NOSR). */
export const ROOT_WRAPPERS: Readonly<Partial<Record<SqlType['base'], string>>> = {
  INTEGER: 'google.protobuf.Int32Value',
  BIGINT: 'google.protobuf.Int64Value',
  DOUBLE: 'google.protobuf.DoubleValue',
  BOOLEAN: 'google.protobuf.BoolValue',
  STRING: 'google.protobuf.StringValue',
  BYTES: 'google.protobuf.BytesValue',
};

const SCALARS: Readonly<Partial<Record<SqlType['base'], readonly [string, string]>>> = {
  INTEGER: ['int32', 'google.protobuf.Int32Value'],
  BIGINT: ['int64', 'google.protobuf.Int64Value'],
  DOUBLE: ['double', 'google.protobuf.DoubleValue'],
  BOOLEAN: ['bool', 'google.protobuf.BoolValue'],
  STRING: ['string', 'google.protobuf.StringValue'],
  BYTES: ['bytes', 'google.protobuf.BytesValue'],
};

/** ksqlDB's check (ProtobufSerdeFactory.SchemaValidator): map keys must be strings. */
export function validateProtobufType(type: SqlType): void {
  switch (type.base) {
    case 'MAP':
      if (type.key.base !== 'STRING') {
        throw new KsqlError(
          'PROTOBUF format only supports MAP types with STRING keys. See https://github.com/confluentinc/ksql/issues/6177.',
        );
      }
      validateProtobufType(type.value);
      return;
    case 'ARRAY':
      // Confluent's ProtobufData flattens an array of maps into one list of entries, and cannot
      // nest repeated fields: neither reads back, so they are refused up front.
      if (type.element.base === 'ARRAY' || type.element.base === 'MAP') {
        throw new KsqlError(
          `PROTOBUF format does not support ARRAY<${type.element.base}> (a repeated field cannot hold a repeated field)`,
        );
      }
      validateProtobufType(type.element);
      return;
    case 'STRUCT':
      for (const f of type.fields) validateProtobufType(f.type);
      return;
    default:
      return;
  }
}

class Builder {
  private index = 0;
  readonly imports: string[] = [];

  constructor(private readonly nullable: NullableRepresentation) {}

  nextName(): string {
    this.index += 1;
    return `${DEFAULT_MESSAGE_PREFIX}${this.index}`;
  }

  use(type: string): void {
    const file = WELL_KNOWN_IMPORTS[type];
    if (file && !this.imports.includes(file)) this.imports.push(file);
  }

  message(name: string, fields: readonly { readonly name: string; readonly type: SqlType }[]): ProtoMessage {
    const msg: ProtoMessage = { name, fields: [], nested: [] };
    fields.forEach((f, i) => {
      msg.fields.push(this.field(msg, f.name, i + 1, f.type));
    });
    return msg;
  }

  /** A field of `parent` (ProtobufData.fieldDefinitionFromConnectSchema); nested types go into parent. */
  field(parent: ProtoMessage, name: string, number: number, sqlType: SqlType): ProtoField {
    let label: ProtoField['label'];
    let type = sqlType;
    if (type.base === 'ARRAY' || type.base === 'MAP') label = 'repeated';
    else if (this.nullable === 'optional') label = 'optional';
    if (type.base === 'ARRAY') {
      type = type.element;
    }
    switch (type.base) {
      case 'DECIMAL':
        this.use('confluent.type.Decimal');
        return {
          name,
          number,
          type: 'confluent.type.Decimal',
          label,
          params: [
            ['precision', String(type.precision)],
            ['scale', String(type.scale)],
          ],
        };
      case 'DATE':
        this.use('google.type.Date');
        return { name, number, type: 'google.type.Date', label };
      case 'TIME':
        this.use('google.type.TimeOfDay');
        return { name, number, type: 'google.type.TimeOfDay', label };
      case 'TIMESTAMP':
        this.use('google.protobuf.Timestamp');
        return { name, number, type: 'google.protobuf.Timestamp', label };
      case 'MAP': {
        const entry = `${this.nextName()}Entry`;
        const msg: ProtoMessage = { name: entry, fields: [], nested: [] };
        msg.fields.push(this.field(msg, 'key', 1, type.key));
        msg.fields.push(this.field(msg, 'value', 2, type.value));
        parent.nested.push(msg);
        return { name, number, type: entry, label };
      }
      case 'STRUCT': {
        let nestedName = this.nextName();
        // A message type cannot share its field's name (ProtobufData adds a suffix).
        if (nestedName === name) nestedName += 'Message';
        if (nestedName !== parent.name && !parent.nested.some((n) => n.name === nestedName)) {
          parent.nested.push(this.message(nestedName, type.fields));
        }
        return { name, number, type: nestedName, label };
      }
      default: {
        const [plain, wrapper] = SCALARS[type.base]!;
        if (this.nullable === 'wrapper') {
          this.use(wrapper);
          return { name, number, type: wrapper, label };
        }
        return { name, number, type: plain, label };
      }
    }
  }
}

/**
 * The schema of a source's key or value. `wrapped` false (PROTOBUF_NOSR's unwrapped single
 * column): a primitive is its google.protobuf wrapper message, a STRUCT its own message.
 * Returns the file and the full name of the message rows are written as.
 */
export function protobufSchemaOf(
  columns: readonly Pick<Column, 'name' | 'type'>[],
  wrapped: boolean,
  options: { readonly fullName?: string; readonly nullable?: NullableRepresentation } = {},
): { file: ProtoFile; root: string } {
  for (const c of columns) validateProtobufType(c.type);
  const b = new Builder(options.nullable);
  let fields: readonly { readonly name: string; readonly type: SqlType }[] = columns;
  if (!wrapped) {
    const type = columns[0].type;
    const wrapper = ROOT_WRAPPERS[type.base];
    if (wrapper) {
      b.use(wrapper);
      return { file: { imports: b.imports, messages: [] }, root: wrapper };
    }
    if (type.base !== 'STRUCT') {
      throw new KsqlError(`PROTOBUF_NOSR cannot write an unwrapped ${type.base} (Unsupported root schema)`);
    }
    fields = type.fields;
  }
  // A default name (ConnectDefault…) is ignored, as ksqlDB's translator does.
  const given = options.fullName?.trim();
  const fullName = given && !given.startsWith(DEFAULT_MESSAGE_PREFIX) ? given : b.nextName();
  const dot = fullName.lastIndexOf('.');
  const pkg = dot >= 0 ? fullName.slice(0, dot) : undefined;
  const name = dot >= 0 ? fullName.slice(dot + 1) : fullName;
  const root = b.message(name, fields);
  return { file: { package: pkg, imports: b.imports, messages: [root] }, root: fullName };
}

// ---------------------------------------------------------------------------------------------
// Canonical text (Confluent's ProtobufSchemaUtils.toString)
// ---------------------------------------------------------------------------------------------

/** Indents every line by two spaces, blank lines included (ProtobufSchemaUtils.appendIndented). */
function indent(text: string): string {
  const lines = text.split('\n');
  // Java's String.split drops trailing empty strings
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  let out = '';
  for (const line of lines) out += `  ${line}\n`;
  return out;
}

function printParams(params: readonly (readonly [string, string])[]): string {
  // Confluent writes precision/scale entries value-first, "for backward compatibility".
  const entries = params.map(([k, v]) => {
    const pairs =
      k === 'precision' || k === 'scale'
        ? [`value: "${v}"`, `key: "${k}"`]
        : [`key: "${k}"`, `value: "${v}"`];
    return `{\n${indent(`${pairs[0]},`)}${indent(pairs[1])}}`;
  });
  let list = '[\n';
  entries.forEach((e, i) => {
    list += indent(e + (i < entries.length - 1 ? ',' : ''));
  });
  list += ']';
  return `(confluent.field_meta) = {\n${indent(`params: ${list}`)}}`;
}

function printField(f: ProtoField): string {
  const label = f.label ? `${f.label} ` : '';
  const options = f.params && f.params.length > 0 ? ` [${printParams(f.params)}]` : '';
  return `${label}${f.type} ${f.name} = ${f.number}${options};\n`;
}

function printMessage(m: ProtoMessage): string {
  let out = `message ${m.name} {`;
  if (m.fields.length > 0) {
    out += '\n';
    for (const f of m.fields) out += indent(printField(f));
  }
  if (m.nested.length > 0) {
    out += '\n';
    for (const n of m.nested) out += indent(printMessage(n));
  }
  return `${out}}\n`;
}

/** The schema text as the Schema Registry stores (and ksqlDB's QTT expects) it. */
export function printProtoFile(file: ProtoFile): string {
  let out = 'syntax = "proto3";\n';
  if (file.package) out += `package ${file.package};\n`;
  if (file.imports.length > 0) {
    out += '\n';
    for (const i of file.imports) out += `import "${i}";\n`;
  }
  if (file.messages.length > 0) {
    out += '\n';
    for (const m of file.messages) out += printMessage(m);
  }
  return out;
}
