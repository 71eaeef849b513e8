import type { DataSource } from './data-source.js';
import type { SourceDescription } from './engine-api.js';
import type { MetaStore } from './metastore.js';

/** A metastore source as the engine reports it (SHOW / DESCRIBE / CREATE results). */
export function describeSource(source: DataSource, metastore: MetaStore): SourceDescription {
  return {
    name: source.name,
    type: source.type,
    topic: source.topic,
    keyFormat: source.keyFormat.name,
    valueFormat: source.valueFormat.name,
    windowType: source.window?.type,
    columns: source.schema.columns(),
    timestampColumn: source.timestamp?.column,
    partitions: source.partitions,
    replicas: source.replicas,
    isSource: source.isSource,
    writeQueries: metastore.writeQueries(source.name),
    readQueries: metastore.readQueries(source.name),
    statement: source.statement,
  };
}

/** `Stream`, `Table` — as ksqlDB capitalizes source types in messages. */
export function typeWord(type: 'STREAM' | 'TABLE'): string {
  return type === 'STREAM' ? 'Stream' : 'Table';
}
