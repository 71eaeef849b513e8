import type { PersistentQuery, SourceDescription, StatementResult } from '../engine/engine-api.js';
import { KsqlEngine } from '../engine/ksql-engine.js';
import { streamsConfigFor } from '../engine/streams-config.js';
import type { Formats } from '../format/format.js';
import type { QttBackend, QttEngine, QttEngineSetup } from './qtt-backend.js';
import { createQttFunctionRegistry } from './test-functions/index.js';

/** The runner's backend on the real engine: a fresh KsqlEngine per test case. */
export async function createKsqlBackend(): Promise<QttBackend> {
  return {
    createEngine: (setup: QttEngineSetup) =>
      new EngineAdapter(
        new KsqlEngine(
          {
            serviceId: setup.serviceId,
            topics: setup.topics,
            schemaRegistry: setup.schemaRegistry,
            writer: setup.writer,
            properties: setup.properties,
          },
          // ksqlDB's runner sees its test-only UDFs (BAD_UDF, …); so does ours, and only here.
          { functions: createQttFunctionRegistry() },
        ),
      ),
  };
}

class EngineAdapter implements QttEngine {
  constructor(private readonly engine: KsqlEngine) {}

  get formats(): Formats {
    return this.engine.formats;
  }

  streamsConfig(query: PersistentQuery) {
    return streamsConfigFor(query);
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
