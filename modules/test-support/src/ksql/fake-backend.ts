import { fileURLToPath } from 'node:url';
import {
  KsqlError,
  parseSchemaText,
  type Formats,
  type GenericKey,
  type GenericRow,
  type KsqlSerde,
  type PersistentQuery,
  type QttBackend,
  type QttEngine,
  type QttEngineSetup,
  type RecordWriter,
  type SchemaRegistry,
  type SourceDescription,
  type StatementResult,
  type TopicCatalog,
  UnsupportedFeatureError,
} from '@meterstream/ksql';
import { type ProcessorContext, type Record, Topology } from '@meterstream/streams';

/**
 * The QTT files the conformance runner's tests share (ksql's runner tests, the CLI's ksql-test
 * command): `passing/`, `failing/` and the standalone trio `standalone/`, written for the fake
 * engine below.
 */
export const QTT_FIXTURES = fileURLToPath(new URL('../../fixtures/qtt/', import.meta.url));

/** Only what the runner calls: sinks' serdes with registerSchema register an AVRO record schema. */
class FakeFormats implements Formats {
  constructor(private readonly registry: SchemaRegistry) {}

  async keySerde(): Promise<KsqlSerde<GenericKey>> {
    throw new Error('fake formats: no key serdes');
  }

  async valueSerde(
    format: Parameters<Formats['valueSerde']>[0],
    columns: Parameters<Formats['valueSerde']>[1],
    ctx: Parameters<Formats['valueSerde']>[2],
  ): Promise<KsqlSerde<GenericRow>> {
    if (format.name === 'AVRO' && ctx.registerSchema) {
      const fields = columns.map((c) => ({
        name: c.name,
        type: ['null', c.type.base === 'INTEGER' ? 'int' : 'string'],
        default: null,
      }));
      await this.registry.register(`${ctx.topic}-value`, {
        schemaType: 'AVRO',
        schema: JSON.stringify({ type: 'record', name: 'KsqlDataSourceSchema', fields }),
      });
    }
    return { serialize: () => Buffer.alloc(0), deserialize: () => [] };
  }

  async inferColumns() {
    return undefined;
  }

  validate(): void {}
}

class FakeEngine implements QttEngine {
  private readonly sourceMap = new Map<string, SourceDescription>();
  private queryCount = 0;
  readonly formats: Formats;

  constructor(
    private readonly topics: TopicCatalog,
    private readonly writer: RecordWriter,
    private readonly serviceId: string,
    registry: SchemaRegistry,
  ) {
    this.formats = new FakeFormats(registry);
  }

  sources(): readonly SourceDescription[] {
    return [...this.sourceMap.values()];
  }

  async executeScript(sql: string, onResult: (r: StatementResult) => void): Promise<void> {
    const withoutComments = sql.replace(/--[^\n]*/g, '');
    for (const text of withoutComments
      .split(';')
      .map((s) => s.replace(/\s+/g, ' ').trim())
      .filter(Boolean)) {
      try {
        onResult(await this.execute(`${text};`));
      } catch (err) {
        // as the real engine: the error names the statement that failed
        if (err instanceof KsqlError)
          (err as KsqlError & { statementText?: string }).statementText = `${text};`;
        throw err;
      }
    }
  }

  private async execute(text: string): Promise<StatementResult> {
    let m = /^CREATE STREAM (\w+) \((.*)\) WITH \((.*)\);$/is.exec(text);
    if (m) {
      const props = Object.fromEntries(
        [...m[3].matchAll(/(\w+)\s*=\s*'([^']*)'/g)].map((p) => [p[1].toUpperCase(), p[2]]),
      );
      const topic = props.KAFKA_TOPIC;
      if ((await this.topics.partitions(topic)) === undefined)
        throw new KsqlError(`Kafka topic does not exist: ${topic}`);
      const source: SourceDescription = {
        name: m[1].toUpperCase(),
        type: 'STREAM',
        topic,
        keyFormat: (props.KEY_FORMAT ?? props.FORMAT ?? 'KAFKA').toUpperCase(),
        valueFormat: (props.VALUE_FORMAT ?? props.FORMAT ?? 'JSON').toUpperCase(),
        columns: parseSchemaText(m[2]),
        isSource: false,
        writeQueries: [],
        readQueries: [],
        statement: text,
      };
      this.sourceMap.set(source.name, source);
      return { kind: 'SourceCreated', statementText: text, source, message: 'Stream created' };
    }
    m = /^CREATE STREAM (\w+) AS SELECT (\*|\w+) FROM (\w+)(?: WHERE (\w+) > (\d+))?;$/is.exec(text);
    if (m) {
      const from = this.sourceMap.get(m[3].toUpperCase());
      if (!from) throw new KsqlError(`${m[3].toUpperCase()} does not exist.`);
      if (m[2] !== '*') throw new KsqlError(`SELECT column '${m[2].toUpperCase()}' cannot be resolved.`);
      const name = m[1].toUpperCase();
      await this.topics.create(name, 1, 1, {});
      const sink: SourceDescription = { ...from, name, topic: name, statement: text };
      this.sourceMap.set(name, sink);
      const id = `CSAS_${name}_${this.queryCount++}`;
      const topology = new Topology().addSource('src', [from.topic]);
      let parent = 'src';
      if (m[4]) {
        const column = m[4].toUpperCase();
        const bound = Number(m[5]);
        topology.addProcessor(
          'filter',
          () => {
            let ctx: ProcessorContext<unknown, unknown>;
            return {
              init: (c: ProcessorContext<unknown, unknown>) => {
                ctx = c;
              },
              process: (r: Record<unknown, unknown>) => {
                const row =
                  r.value === null
                    ? null
                    : (JSON.parse((r.value as Buffer).toString()) as { [c: string]: number });
                if (row && row[column] > bound) ctx.forward(r);
              },
            };
          },
          'src',
        );
        parent = 'filter';
      }
      topology.addSink('sink', name, {}, parent);
      const query: PersistentQuery = {
        id,
        statementText: text,
        sinkName: name,
        sinkTopic: name,
        sourceNames: [from.name],
        applicationId: `_confluent-ksql-${this.serviceId}query_${id}`,
        topology,
        properties: {},
      };
      return { kind: 'QueryCreated', statementText: text, query, message: `Created query with ID ${id}` };
    }
    m = /^INSERT INTO (\w+) VALUES \('([^']*)', (\d+)\);$/is.exec(text);
    if (m) {
      const into = this.sourceMap.get(m[1].toUpperCase());
      if (!into) throw new KsqlError(`${m[1].toUpperCase()} does not exist.`);
      const column = into.columns.find((c) => c.namespace === 'VALUE')!;
      const value =
        into.valueFormat === 'KAFKA'
          ? Buffer.from([0, 0, 0, Number(m[3])])
          : Buffer.from(JSON.stringify({ [column.name]: Number(m[3]) }));
      await this.writer.write(into.topic, Buffer.from(m[2]), value, 0);
      return { kind: 'RowsInserted', statementText: text };
    }
    if (/^CRASH;$/i.test(text)) {
      const nothing: { field?: { deeper: number } } = {};
      return { kind: 'RowsInserted', statementText: String(nothing.field!.deeper) };
    }
    throw new UnsupportedFeatureError(text.split(/\s+/).slice(0, 2).join(' '));
  }
}

/**
 * A stand-in for the engine while the real one is being built: it understands just enough KSQL
 * for the runner's tests —
 *   CREATE STREAM <name> (<columns>) WITH (KAFKA_TOPIC='t', FORMAT|KEY_FORMAT|VALUE_FORMAT='…')
 *   CREATE STREAM <name> AS SELECT * FROM <source> [WHERE <column> > <n>]   (JSON values)
 *   CREATE STREAM <name> AS SELECT <column> FROM <source>  → "SELECT column '<c>' cannot be resolved."
 *   INSERT INTO <source> VALUES ('<key>', <int>)           (string key, one INT value; KAFKA/JSON)
 *   CRASH;                                                  → a TypeError (an engine bug)
 * anything else throws UnsupportedFeatureError naming the statement's first words.
 * Queries copy the source's bytes (the runner's own serdes encode and decode them).
 */
export const fakeKsqlBackend: QttBackend = {
  createEngine: (setup: QttEngineSetup) =>
    new FakeEngine(setup.topics, setup.writer, setup.serviceId, setup.schemaRegistry),
};
