import avsc from 'avsc';
import protobuf from 'protobufjs';
import { type CompatibilityLevel, cannotRead } from './compatibility.js';
import { invalidSchema } from './errors.js';

/** The schema types Confluent's registry knows (`schemaType` of a request; absent means AVRO). */
export const SCHEMA_TYPES = ['AVRO', 'JSON', 'PROTOBUF'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** A parsed schema: what compatibility checks compare. */
export type ParsedSchema =
  | { type: 'AVRO'; avro: avsc.Type }
  | { type: 'JSON'; json: unknown }
  | { type: 'PROTOBUF'; root: protobuf.Root };

/**
 * The text a schema is stored and compared by, so the same schema always gets the same id: JSON
 * (Avro, JSON Schema) re-serialized without insignificant whitespace; Protobuf with line endings
 * and trailing blanks normalized (Confluent keeps its own canonical form of .proto text; ours is
 * coarser, so two spellings of one .proto that differ in more than blanks get two ids).
 */
export function canonicalSchema(type: SchemaType, schema: string): string {
  if (type === 'PROTOBUF') {
    return schema
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trim();
  }
  try {
    return JSON.stringify(JSON.parse(schema));
  } catch (err) {
    throw invalidSchema(err instanceof Error ? err.message : String(err));
  }
}

/** Parses a schema of a type; invalid ones raise 42201 with the parser's reason. */
export function parseSchema(type: SchemaType, schema: string): ParsedSchema {
  try {
    switch (type) {
      case 'AVRO':
        return { type, avro: avsc.Type.forSchema(JSON.parse(schema) as avsc.Schema) };
      case 'JSON': {
        const json: unknown = JSON.parse(schema);
        if (typeof json !== 'boolean' && (typeof json !== 'object' || json === null || Array.isArray(json)))
          throw new Error('a JSON Schema is an object or a boolean');
        return { type, json };
      }
      case 'PROTOBUF':
        // Imports name references (registered separately); parsing the file alone validates its syntax.
        return { type, root: protobuf.parse(schema, { keepCase: true }).root };
    }
  } catch (err) {
    throw invalidSchema(`${type}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Why `candidate` may not follow `existing` (oldest first) under `level`; empty when it may. AVRO
 * uses Avro's schema-resolution rules. PROTOBUF checks, per message of the old schema by full name:
 * the message still exists, and each field number kept has the same type and label. JSON Schema
 * checks, per property of the old schema: a kept property keeps its `type`; BACKWARD also refuses a
 * newly required property and FORWARD a removed required one. A change of schema type is refused.
 * (Confluent checks more for Protobuf and JSON Schema — e.g. oneof moves, enum and content-model
 * details; those pass here.)
 */
export function compatibilityProblems(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  existing: ParsedSchema[],
): string[] {
  if (level === 'NONE' || existing.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? existing : existing.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const old of against) {
    if (old.type !== candidate.type) {
      problems.push(`schema type changed from ${old.type} to ${candidate.type}`);
      continue;
    }
    if (old.type === 'AVRO' && candidate.type === 'AVRO') {
      const notRead = backward ? cannotRead(candidate.avro, old.avro) : undefined;
      if (notRead) problems.push(`new schema cannot read data written with an earlier one (${notRead})`);
      const notWritten = forward ? cannotRead(old.avro, candidate.avro) : undefined;
      if (notWritten)
        problems.push(`an earlier schema cannot read data written with the new one (${notWritten})`);
    } else if (old.type === 'PROTOBUF' && candidate.type === 'PROTOBUF') {
      problems.push(...protobufProblems(old.root, candidate.root));
    } else if (old.type === 'JSON' && candidate.type === 'JSON') {
      problems.push(...jsonSchemaProblems(old.json, candidate.json, backward, forward));
    }
  }
  return problems;
}

function messages(
  root: protobuf.NamespaceBase,
  out = new Map<string, protobuf.Type>(),
): Map<string, protobuf.Type> {
  for (const nested of root.nestedArray) {
    if (nested instanceof protobuf.Type) out.set(nested.fullName, nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) messages(nested, out);
  }
  return out;
}

function protobufProblems(old: protobuf.Root, candidate: protobuf.Root): string[] {
  const problems: string[] = [];
  const now = messages(candidate);
  for (const [name, type] of messages(old)) {
    const next = now.get(name);
    if (!next) {
      problems.push(`message ${name.replace(/^\./, '')} was removed`);
      continue;
    }
    for (const field of type.fieldsArray) {
      const kept = next.fieldsById[field.id];
      if (!kept) continue; // a removed field reads as its default: allowed
      if (
        kept.type !== field.type ||
        kept.repeated !== field.repeated ||
        Boolean(kept.map) !== Boolean(field.map)
      )
        problems.push(
          `field ${field.id} of ${name.replace(/^\./, '')} changed from ${field.repeated ? 'repeated ' : ''}${field.type} to ${kept.repeated ? 'repeated ' : ''}${kept.type}`,
        );
    }
  }
  return problems;
}

function jsonSchemaProblems(old: unknown, candidate: unknown, backward: boolean, forward: boolean): string[] {
  const shape = (s: unknown) => {
    const o = (typeof s === 'object' && s !== null ? s : {}) as {
      properties?: Record<string, { type?: unknown }>;
      required?: string[];
    };
    return { properties: o.properties ?? {}, required: new Set(o.required ?? []) };
  };
  const a = shape(old);
  const b = shape(candidate);
  const problems: string[] = [];
  for (const [name, property] of Object.entries(a.properties)) {
    const kept = b.properties[name];
    if (kept && JSON.stringify(kept.type) !== JSON.stringify(property.type))
      problems.push(
        `property ${name} changed type from ${JSON.stringify(property.type)} to ${JSON.stringify(kept.type)}`,
      );
  }
  if (backward)
    for (const name of b.required)
      if (!a.required.has(name)) problems.push(`property ${name} became required`);
  if (forward)
    for (const name of a.required)
      if (!b.required.has(name)) problems.push(`required property ${name} was removed`);
  return problems;
}
