import type { RegisteredSchema, SchemaRegistry } from './format.js';
import { avroPrintText } from './avro-print-text.js';
import { fetchImports, loadProto } from './protobuf-load.js';
import { protobufPrintText } from './protobuf-print-text.js';

/** How PRINT shows payloads framed with one registry schema id. */
export interface RegistryPrinter {
  /** ksqlDB's format name for it: AVRO or PROTOBUF. */
  readonly format: 'AVRO' | 'PROTOBUF';
  /** The text of a whole framed payload; throws when it does not decode with the schema. */
  print(framed: Buffer): string;
}

/**
 * The printer of a registered writer schema (its references fetched for PROTOBUF); undefined for
 * a JSON schema (JSON_SR is not printed as such). Throws what loading the schema throws.
 */
export async function registryPrinter(
  registry: SchemaRegistry,
  schema: RegisteredSchema,
): Promise<RegistryPrinter | undefined> {
  const type = schema.schemaType ?? 'AVRO';
  if (type === 'AVRO')
    return { format: 'AVRO', print: (framed) => avroPrintText(schema.schema, framed.subarray(5)) };
  if (type === 'PROTOBUF') {
    const loaded = loadProto(schema.schema, await fetchImports(registry, schema));
    return { format: 'PROTOBUF', print: (framed) => protobufPrintText(loaded, framed) };
  }
  return undefined;
}
