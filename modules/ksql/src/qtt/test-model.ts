import type { JsonValue } from './json-text.js';

/** One test case of a QTT file after matrix expansion (ksqlDB's TestCase). */
export interface QttTestCase {
  /** The file it came from (path as given). */
  readonly file: string;
  /** `<file name without .json> - <test name>[ - <FORMAT>][ - <property>=<config>]`, as ksqlDB names it. */
  readonly name: string;
  /** The `name` field as written. */
  readonly simpleName: string;
  readonly statements: readonly string[];
  /** Test `properties`, values as strings (after `{CONFIG}` substitution). */
  readonly properties: Readonly<Record<string, string>>;
  readonly topics: readonly QttTopic[];
  readonly inputs: readonly QttRecord[];
  readonly outputs: readonly QttRecord[];
  readonly expectedException?: QttExpectedException;
  readonly post?: QttPostConditions;
  /** The `format` matrix entry this case was built for. */
  readonly format?: string;
  /** The `config` matrix entry this case was built for (`<property>=<value>`). */
  readonly config?: string;
}

export interface QttWindow {
  readonly start: number;
  readonly end: number;
  readonly type: 'SESSION' | 'TIME';
}

export interface QttHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface QttRecord {
  readonly topic: string;
  /** JSON null when the file has no key. */
  readonly key: JsonValue;
  readonly value: JsonValue;
  /** Absent: 0 for inputs; "any" for outputs. */
  readonly timestamp?: number;
  readonly window?: QttWindow;
  /** Absent on an output: the record must carry no headers. */
  readonly headers?: readonly QttHeader[];
}

export interface QttTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly keyFormat?: string;
  readonly valueFormat?: string;
  readonly keySchema?: JsonValue;
  readonly valueSchema?: JsonValue;
  readonly keySchemaId?: number;
  readonly valueSchemaId?: number;
  /**
   * Schema references (`keySchemaReferences` / `valueSchemaReferences`): registered under their
   * names for PROTOBUF schemas; for other formats the runner reports them unsupported.
   */
  readonly hasSchemaReferences: boolean;
  readonly keySchemaReferences?: readonly QttSchemaReference[];
  readonly valueSchemaReferences?: readonly QttSchemaReference[];
}

/** A schema a test topic's schema imports: registered under its name, referenced at version 1. */
export interface QttSchemaReference {
  readonly name: string;
  readonly format?: string;
  readonly schema: string;
}

export interface QttExpectedException {
  /** A Java class name (`io.confluent.ksql.util.KsqlStatementException`, …). */
  readonly type?: string;
  /** Must be contained in the error's message. */
  readonly message?: string;
  readonly cause?: string;
  readonly causeMessage?: string;
}

export interface QttPostSource {
  readonly name: string;
  readonly type: 'STREAM' | 'TABLE';
  /** `K STRING KEY, V INT` — compared as a logical schema. */
  readonly schema?: string;
  /** When given, the window type and size must match too (absent = not windowed). */
  readonly keyFormat?: {
    readonly format?: string;
    readonly windowType?: string;
    readonly windowSize?: number;
  };
  readonly valueFormat?: string;
  readonly keyFeatures?: readonly string[];
  readonly valueFeatures?: readonly string[];
  readonly isSource?: boolean;
}

export interface QttPostTopicFormat {
  readonly format: string;
  readonly features?: readonly string[];
  readonly properties?: Readonly<Record<string, string>>;
}

export interface QttPostTopic {
  readonly name: string;
  readonly keyFormat: QttPostTopicFormat;
  readonly valueFormat: QttPostTopicFormat;
  readonly partitions?: number;
  readonly keySchemaId?: number;
  readonly valueSchemaId?: number;
  readonly keySchema?: JsonValue;
  readonly valueSchema?: JsonValue;
}

export interface QttPostConditions {
  readonly sources: readonly QttPostSource[];
  readonly topics: readonly QttPostTopic[];
  /** A regex: no topic (source, sink or internal) may match it. */
  readonly blacklist?: string;
}

/** A test the loader could not build (ksqlDB fails these as "Invalid test"). */
export interface QttInvalidTest {
  readonly file: string;
  readonly name: string;
  readonly message: string;
}

export interface QttFile {
  readonly file: string;
  readonly tests: readonly QttTestCase[];
  readonly invalid: readonly QttInvalidTest[];
  /** Tests with `"enabled": false` (ksqlDB skips them). */
  readonly disabled: number;
}
