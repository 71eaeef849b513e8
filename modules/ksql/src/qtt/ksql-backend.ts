import type { StreamsConfig } from '@meterstream/streams';
import type {
  KsqlEngineOptions,
  PersistentQuery,
  QueryListener,
  SourceDescription,
  SourceType,
  StatementResult,
} from '../engine/engine-api.js';
import type { FormatInfo, Formats } from '../format/format.js';
import type { LogicalSchema } from '../schema/logical-schema.js';
import type { QttBackend, QttEngine, QttEngineSetup } from './qtt-backend.js';

/** What the runner uses of the KsqlEngine class (src/engine/ksql-engine.ts). */
interface KsqlEngineLike {
  execute(sql: string): Promise<StatementResult[]>;
  addListener(listener: QueryListener): () => void;
  sources(): DataSourceLike[];
  readonly formats: Formats;
}

/** The engine's metastore entries (src/engine/data-source.ts), as far as the runner reads them. */
interface DataSourceLike {
  readonly name: string;
  readonly type: SourceType;
  readonly schema: LogicalSchema;
  readonly topic: string;
  readonly keyFormat: FormatInfo;
  readonly valueFormat: FormatInfo;
  readonly window?: { readonly type: 'TUMBLING' | 'HOPPING' | 'SESSION'; readonly sizeMs?: number };
  readonly timestamp?: { readonly column: string };
  readonly partitions?: number;
  readonly replicas?: number;
  readonly isSource: boolean;
  readonly statement: string;
  readonly keyFeatures?: readonly string[];
  readonly valueFeatures?: readonly string[];
}

type KsqlEngineClass = new (options: KsqlEngineOptions) => KsqlEngineLike;

/**
 * The runner's backend on the real engine. The engine module is loaded when the runner starts
 * (not when this module loads), so the CLI can say plainly when the build has no engine.
 */
export async function createKsqlBackend(): Promise<QttBackend> {
  // A computed specifier: the engine module is another part of step 10, merged separately.
  const specifier = '../engine/ksql-engine.js';
  const configSpecifier = '../engine/streams-config.js';
  let KsqlEngine: KsqlEngineClass;
  let streamsConfigFor: (query: PersistentQuery) => Partial<StreamsConfig>;
  try {
    ({ KsqlEngine } = (await import(specifier)) as { KsqlEngine: KsqlEngineClass });
    ({ streamsConfigFor } = (await import(configSpecifier)) as { streamsConfigFor: typeof streamsConfigFor });
  } catch (err) {
    throw new Error(`the KSQL engine is not part of this build (${(err as Error).message})`, { cause: err });
  }
  return {
    createEngine: (setup: QttEngineSetup) =>
      new EngineAdapter(
        streamsConfigFor,
        new KsqlEngine({
          serviceId: setup.serviceId,
          topics: setup.topics,
          schemaRegistry: setup.schemaRegistry,
          writer: setup.writer,
          properties: setup.properties,
        }),
      ),
  };
}

class EngineAdapter implements QttEngine {
  constructor(
    readonly streamsConfig: (query: PersistentQuery) => Partial<StreamsConfig>,
    private readonly engine: KsqlEngineLike,
  ) {}

  get formats(): Formats {
    return this.engine.formats;
  }

  async executeScript(sql: string, onResult: (result: StatementResult) => void): Promise<void> {
    // Queries are reported as they are created, so those before a failing statement count too.
    const seen = new Set<PersistentQuery>();
    const stop = this.engine.addListener({
      queryCreated: (query) => {
        seen.add(query);
        onResult({ kind: 'QueryCreated', statementText: query.statementText, query, message: '' });
      },
    });
    try {
      for (const r of await this.engine.execute(sql)) {
        if (r.kind === 'QueryCreated' && seen.has(r.query)) continue;
        onResult(r);
      }
    } finally {
      stop();
    }
  }

  sources(): readonly SourceDescription[] {
    return this.engine.sources().map((s) => ({
      name: s.name,
      type: s.type,
      topic: s.topic,
      keyFormat: s.keyFormat.name,
      valueFormat: s.valueFormat.name,
      keyFormatProperties: s.keyFormat.properties,
      valueFormatProperties: s.valueFormat.properties,
      windowType: s.window?.type,
      windowSize: s.window?.sizeMs,
      keyFeatures: s.keyFeatures,
      valueFeatures: s.valueFeatures,
      columns: s.schema.columns(),
      timestampColumn: s.timestamp?.column,
      partitions: s.partitions,
      replicas: s.replicas,
      isSource: s.isSource,
      writeQueries: [],
      readQueries: [],
      statement: s.statement,
    }));
  }
}
