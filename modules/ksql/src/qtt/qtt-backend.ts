import type { StreamsConfig } from '@meterstream/streams';
import type {
  PersistentQuery,
  RecordWriter,
  SourceDescription,
  StatementResult,
  TopicCatalog,
} from '../engine/engine-api.js';
import type { Formats, RegisteredSchema, SchemaRegistry } from '../format/format.js';

/**
 * What the conformance runner needs from the engine and the formats, kept to an interface so the
 * runner is tested with a fake and wired to the real KsqlEngine in one place
 * (`ksql-backend.ts`). One backend creates a fresh registry and engine per test case.
 */
export interface QttEngineSetup {
  readonly serviceId: string;
  readonly topics: TopicCatalog;
  readonly schemaRegistry: SchemaRegistry;
  readonly writer: RecordWriter;
  readonly properties: Readonly<Record<string, string>>;
}

export interface QttEngine {
  /**
   * Executes a script statement by statement, calling `onResult` after each; rejects with the
   * first statement's error (the statements before it stay executed).
   */
  executeScript(sql: string, onResult: (result: StatementResult) => void): Promise<void>;
  /** Every source in the metastore now. */
  sources(): readonly SourceDescription[];
  /**
   * The StreamsConfig the engine wants a query run with (invalid-timestamp policy, cache size…);
   * the runner adds the test driver's settings.
   */
  streamsConfig?(query: PersistentQuery): Partial<StreamsConfig>;
  /** The engine's formats (the runner registers derived schemas through them). */
  readonly formats: Formats;
  close?(): void;
}

/** A registry that can also store a schema under a fixed id (test topics' `valueSchemaId`). */
export interface SchemaRegistryWithIds extends SchemaRegistry {
  registerWithId(subject: string, schema: RegisteredSchema, id: number): Promise<void>;
}

export interface QttBackend {
  /** Default: an in-memory registry that also takes fixed ids (qtt-schema-registry.ts). */
  createSchemaRegistry?(): SchemaRegistry;
  createEngine(setup: QttEngineSetup): QttEngine | Promise<QttEngine>;
}

export function canRegisterWithId(r: SchemaRegistry): r is SchemaRegistryWithIds {
  return typeof (r as Partial<SchemaRegistryWithIds>).registerWithId === 'function';
}
