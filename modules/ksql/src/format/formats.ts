import { KsqlError } from '../errors.js';
import type { Column, GenericRow } from '../schema/logical-schema.js';
import { inferAvroColumns } from './avro-infer.js';
import { validateAvroFullName, validateAvroName, validateAvroType } from './avro-schema.js';
import { avroSerde, writerSchemaId } from './avro-format.js';
import { delimitedSerde, parseDelimiter, validateDelimited } from './delimited-format.js';
import type {
  FormatInfo,
  FormatName,
  Formats,
  KsqlSerde,
  RegisteredSchema,
  SchemaRegistry,
  SerdeContext,
} from './format.js';
import { describeColumns, formatProperty, type Part } from './format-properties.js';
import { jsonSerde, validateJsonType } from './json-format.js';
import { inferJsonSchemaColumns, jsonSchemaOf } from './json-schema.js';
import { kafkaSerde, validateKafka, voidSerde } from './kafka-format.js';
import { nullableRepresentationOf, protobufNoSrSerde, protobufSerde } from './protobuf-format.js';
import { inferProtobufColumns } from './protobuf-infer.js';
import { fetchImports } from './protobuf-load.js';
import { validateProtobufType } from './protobuf-schema.js';

/**
 * The formats of ksqlDB (KAFKA, JSON, DELIMITED, AVRO, JSON_SR, PROTOBUF, PROTOBUF_NOSR, NONE)
 * behind the planner's contract. Schema Registry formats fetch or register their schemas when a serde is created; the
 * serdes themselves are synchronous.
 */

/** Formats that can wrap a single column in a record (ksqlDB's WRAP_SINGLES feature). */
const WRAPPING_FORMATS: ReadonlySet<FormatName> = new Set([
  'JSON',
  'JSON_SR',
  'AVRO',
  'PROTOBUF',
  'PROTOBUF_NOSR',
]);
/** Formats that cannot write a single column bare (PROTOBUF's root is always a message). */
const NON_UNWRAPPING_FORMATS: ReadonlySet<FormatName> = new Set(['NONE', 'PROTOBUF']);
/** Formats that can do both: ksqlDB unwraps single keys of these (UNWRAP_SINGLES). */
function unwrapsSingleKeys(format: FormatName): boolean {
  return WRAPPING_FORMATS.has(format) && !NON_UNWRAPPING_FORMATS.has(format);
}

/** The subject ksqlDB's TopicNameStrategy registers a topic's key or value schema under. */
export function subjectOf(topic: string, part: Part): string {
  return `${topic}-${part}`;
}

/** ksqlDB's checks of WRAP_SINGLE_VALUE against the value format and column count. */
export function validateWrapSingleValue(
  format: FormatInfo,
  valueColumns: number,
  wrapSingleValue: boolean | undefined,
): void {
  if (wrapSingleValue === undefined) return;
  const supported = wrapSingleValue
    ? WRAPPING_FORMATS.has(format.name)
    : !NON_UNWRAPPING_FORMATS.has(format.name);
  if (!supported) {
    throw new KsqlError(
      `Format '${format.name}' does not support 'WRAP_SINGLE_VALUE' set to '${wrapSingleValue}'.`,
    );
  }
  if (valueColumns !== 1)
    throw new KsqlError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
}

/** The format properties each format takes (ksqlDB's Format.getSupportedProperties). */
const SUPPORTED_PROPERTIES: Readonly<
  Record<FormatName, readonly ('delimiter' | 'schemaId' | 'fullSchemaName')[]>
> = {
  KAFKA: [],
  NONE: [],
  JSON: [],
  DELIMITED: ['delimiter'],
  AVRO: ['fullSchemaName', 'schemaId'],
  JSON_SR: ['schemaId'],
  PROTOBUF: ['fullSchemaName', 'schemaId'],
  PROTOBUF_NOSR: [],
};

/** ksqlDB's FormatProperties.validateProperties: a property the format does not take is an error. */
export function validateFormatProperties(format: FormatInfo, part: Part): void {
  const supported = SUPPORTED_PROPERTIES[format.name];
  const unsupported = (['delimiter', 'fullSchemaName', 'schemaId'] as const).filter(
    (p) => !supported.includes(p) && formatProperty(format, part, p) !== undefined,
  );
  if (unsupported.length > 0) {
    throw new KsqlError(`${format.name} does not support the following configs: [${unsupported.join(', ')}]`);
  }
}

/** The reason a format cannot carry these columns (ksqlDB's message), or undefined. */
function formatProblem(format: FormatInfo, columns: readonly Column[], part: Part): Error | undefined {
  try {
    switch (format.name) {
      case 'KAFKA':
        validateKafka(columns, part);
        break;
      case 'DELIMITED':
        validateDelimited(columns);
        break;
      case 'NONE':
        if (columns.length > 0) {
          throw new KsqlError(
            `The 'NONE' format can only be used when no columns are defined. Got: ${describeColumns(columns, part)}`,
          );
        }
        break;
      case 'JSON':
      case 'JSON_SR':
        for (const c of columns) validateJsonType(c.type);
        break;
      case 'AVRO':
        validateAvroFullName(formatProperty(format, part, 'fullSchemaName'));
        for (const c of columns) {
          // A single key is unwrapped: its name is not written in the schema.
          if (!(part === 'key' && columns.length === 1)) validateAvroName(c.name);
          validateAvroType(c.type);
        }
        break;
      case 'PROTOBUF':
      case 'PROTOBUF_NOSR':
        nullableRepresentationOf(format, part);
        for (const c of columns) validateProtobufType(c.type);
        break;
    }
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

function validate(format: FormatInfo, columns: readonly Column[], part: Part): void {
  validateFormatProperties(format, part);
  if (format.name === 'DELIMITED') {
    try {
      parseDelimiter(formatProperty(format, part, 'delimiter'));
    } catch (e) {
      // As ksqlDB's WITH-property validation reports it (the engine adds "Failed to prepare statement").
      throw new KsqlError(
        `Configuration ${part.toUpperCase()}_DELIMITER is invalid: ${(e as Error).message}`,
      );
    }
  }
  const problem = formatProblem(format, columns, part);
  if (!problem) return;
  // ksqlDB's GenericSerdeFactory wraps the format's reason with the schema it was given.
  const features =
    part === 'key' && columns.length === 1 && unwrapsSingleKeys(format.name) ? 'UNWRAP_SINGLES' : '';
  throw new KsqlError(
    `${part === 'key' ? 'Key' : 'Value'} format does not support schema.\n` +
      `format: ${format.name}\n` +
      `schema: Persistence{columns=${describeColumns(columns, part)}, features=[${features}]}\n` +
      `reason: ${problem.message}`,
  );
}

function schemaIdOf(format: FormatInfo, part: Part): number | undefined {
  const text = formatProperty(format, part, 'schemaId');
  if (text === undefined) return undefined;
  const id = Number(text);
  if (!Number.isInteger(id)) throw new KsqlError(`Invalid ${part.toUpperCase()}_SCHEMA_ID: '${text}'`);
  return id;
}

async function serde(
  registry: SchemaRegistry,
  format: FormatInfo,
  columns: readonly Column[],
  ctx: SerdeContext,
  part: Part,
): Promise<KsqlSerde<GenericRow>> {
  validate(format, columns, part);
  if (part === 'value') validateWrapSingleValue(format, columns.length, ctx.wrapSingleValue);
  if (columns.length === 0) return voidSerde();
  // Single keys are unwrapped in every format that can unwrap; values only with WRAP_SINGLE_VALUE=false.
  const wrapped =
    columns.length !== 1 ||
    NON_UNWRAPPING_FORMATS.has(format.name) ||
    (part === 'value' && ctx.wrapSingleValue !== false);
  const subject = subjectOf(ctx.topic, part);
  const registerSchema = ctx.registerSchema ?? false;
  switch (format.name) {
    case 'NONE':
      return voidSerde();
    case 'KAFKA':
      return kafkaSerde(columns, part, ctx.topic);
    case 'DELIMITED':
      return delimitedSerde(columns, formatProperty(format, part, 'delimiter'), ctx.topic);
    case 'JSON':
      return jsonSerde({ columns, wrapped, topic: ctx.topic, part, unusedColumns: ctx.unusedColumns });
    case 'JSON_SR': {
      const schemaId = schemaIdOf(format, part);
      const schema = JSON.stringify(jsonSchemaOf(columns, wrapped));
      const id = await writerSchemaId(
        registry,
        subject,
        { schemaType: 'JSON', schema },
        registerSchema,
        schemaId,
      );
      const fieldNames =
        schemaId === undefined ? undefined : await physicalJsonNames(registry, schemaId, columns);
      return jsonSerde({
        columns,
        wrapped,
        topic: ctx.topic,
        part,
        schemaRegistry: { subject, id },
        fieldNames,
      });
    }
    case 'AVRO':
      return avroSerde({
        registry,
        subject,
        topic: ctx.topic,
        part,
        columns,
        wrapped,
        fullName: formatProperty(format, part, 'fullSchemaName'),
        schemaId: schemaIdOf(format, part),
        registerSchema,
      });
    case 'PROTOBUF':
      return protobufSerde({
        registry,
        subject,
        topic: ctx.topic,
        part,
        columns,
        fullName: formatProperty(format, part, 'fullSchemaName'),
        schemaId: schemaIdOf(format, part),
        registerSchema,
        nullable: nullableRepresentationOf(format, part),
      });
    case 'PROTOBUF_NOSR':
      return protobufNoSrSerde({
        topic: ctx.topic,
        part,
        columns,
        wrapped,
        nullable: nullableRepresentationOf(format, part),
      });
  }
}

/**
 * The property names of a *_SCHEMA_ID JSON schema for the columns (matched exactly or upper-cased),
 * which JSON_SR writes instead of the column names, as ksqlDB's ConnectSRSchemaDataTranslator.
 */
async function physicalJsonNames(
  registry: SchemaRegistry,
  schemaId: number,
  columns: readonly Column[],
): Promise<string[] | undefined> {
  const physical = await registry.byId(schemaId);
  if (physical.schemaType !== 'JSON') return undefined;
  const properties = Object.keys(
    ((JSON.parse(physical.schema) as { properties?: object }).properties ?? {}) as object,
  );
  return columns.map(
    (c) =>
      properties.find((p) => p === c.name) ?? properties.find((p) => p.toUpperCase() === c.name) ?? c.name,
  );
}

export function createFormats(registry: SchemaRegistry): Formats {
  return {
    keySerde: (format, columns, ctx) => serde(registry, format, columns, ctx, 'key'),
    valueSerde: (format, columns, ctx) => serde(registry, format, columns, ctx, 'value'),
    validate,
    async inferColumns(format, topic, part, options) {
      if (format.name !== 'AVRO' && format.name !== 'JSON_SR' && format.name !== 'PROTOBUF') return undefined;
      const expected = format.name === 'JSON_SR' ? 'JSON' : format.name;
      const schemaId = schemaIdOf(format, part);
      let schema: RegisteredSchema | undefined;
      if (schemaId !== undefined) {
        schema = await registry.byId(schemaId);
      } else {
        schema = (await registry.latest(subjectOf(topic, part)))?.schema;
        if (!schema) return undefined;
      }
      if (schema.schemaType !== expected) {
        const prop = part === 'key' ? 'KEY_FORMAT' : 'VALUE_FORMAT';
        throw new KsqlError(
          `${part === 'key' ? 'Key' : 'Value'} schema is not in the expected format. You may want to set ${prop} to '${schema.schemaType}'.\n` +
            `topic: ${topic}\nexpected format: ${expected}\nactual format from Schema Registry: ${schema.schemaType}`,
        );
      }
      // A schema picked by id keeps its field names; one found by subject gets them upper-cased.
      const upper = schemaId === undefined;
      // PROTOBUF keys and values are always messages whose fields are the columns.
      if (format.name === 'PROTOBUF') {
        return inferProtobufColumns(
          schema.schema,
          formatProperty(format, part, 'fullSchemaName'),
          upper,
          await fetchImports(registry, schema),
        );
      }
      const single = part === 'key' ? 'ROWKEY' : options?.wrapSingleValue === false ? 'ROWVAL' : undefined;
      return format.name === 'AVRO'
        ? inferAvroColumns(schema.schema, single, upper)
        : inferJsonSchemaColumns(schema.schema, single, upper);
    },
  };
}

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

/**
 * A format named in WITH (`'avro'`, `'Json_SR'`): case-insensitive, as ksqlDB's FormatFactory;
 * an unknown name is ksqlDB's "Unknown format" error.
 */
export function parseFormatName(text: string): FormatName {
  const name = text.trim().toUpperCase();
  if (FORMAT_NAMES.has(name)) return name as FormatName;
  throw new KsqlError(`Unknown format: ${name}`);
}

/** Formats whose columns can come from the Schema Registry (ksqlDB's SCHEMA_INFERENCE feature). */
export function supportsSchemaInference(name: FormatName): boolean {
  return name === 'AVRO' || name === 'JSON_SR' || name === 'PROTOBUF';
}

/** ksqlDB's check of *_SCHEMA_ID against a format that cannot infer columns. */
export function validateSchemaIdFormat(format: FormatInfo, part: Part): void {
  if (formatProperty(format, part, 'schemaId') !== undefined && !supportsSchemaInference(format.name)) {
    const prefix = part === 'key' ? 'KEY' : 'VALUE';
    throw new KsqlError(
      `${prefix}_FORMAT should support schema inference when ${prefix}_SCHEMA_ID is provided. Current format is ${format.name}.`,
    );
  }
}
