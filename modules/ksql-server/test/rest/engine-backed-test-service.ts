import {
  formatSqlType,
  InMemorySchemaRegistry,
  KsqlEngine,
  type PullQueryPlan,
  type RecordWriter,
  type StatementResult,
  type TopicCatalog,
  type TransientQueryPlan,
} from '@meterstream/ksql';
import type { QueryStatus } from '../../src/runtime/query-runtime.js';
import {
  type CommandStatus,
  type ExecutedStatement,
  type HealthStatus,
  type KsqlService,
  type QueryHandle,
  type ResultColumn,
  type ServerInfo,
  ServiceError,
  type StatementRequest,
} from '../../src/service/ksql-service.js';

/** Topics in a map: the engine's Kafka in these tests. */
class MemoryTopics implements TopicCatalog {
  readonly topics = new Map<string, number>();
  async partitions(topic: string): Promise<number | undefined> {
    return this.topics.get(topic);
  }
  async create(topic: string, partitions: number): Promise<void> {
    this.topics.set(topic, partitions);
  }
  async delete(topic: string): Promise<void> {
    this.topics.delete(topic);
  }
  async list(): Promise<readonly string[]> {
    return [...this.topics.keys()];
  }
}

class MemoryWriter implements RecordWriter {
  readonly records: { topic: string; value: Buffer | null }[] = [];
  async write(topic: string, _key: Buffer | null, value: Buffer | null): Promise<void> {
    this.records.push({ topic, value });
  }
}

/**
 * A push query whose rows the test controls: rows pushed by the test (`push`, `end`, `fail`), or an
 * endless source (`endless`) producing a row each time the consumer asks — `pulled` then tells how
 * far the REST layer has read, which is how backpressure is observed.
 */
export class ControlledPushQuery {
  pulled = 0;
  closeCalls = 0;
  closed = false;
  private readonly queue: unknown[][] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onClosed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    readonly id: string,
    readonly columns: readonly ResultColumn[],
    private readonly endless?: (n: number) => unknown[],
  ) {
    this.onClosed = new Promise((r) => {
      this.resolveClosed = r;
    });
  }

  push(...rows: unknown[][]): void {
    this.queue.push(...rows);
    this.wake?.();
  }

  /** Ends the rows as LIMIT does. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  fail(err: Error): void {
    this.failure = err;
    this.wake?.();
  }

  whenClosed(): Promise<void> {
    return this.onClosed;
  }

  async close(): Promise<void> {
    this.closeCalls++;
    this.closed = true;
    this.resolveClosed();
    this.wake?.();
  }

  async *rows(): AsyncGenerator<readonly unknown[]> {
    for (;;) {
      if (this.closed) return;
      if (this.failure) throw this.failure;
      if (this.endless) {
        yield this.endless(this.pulled++);
        continue;
      }
      const row = this.queue.shift();
      if (row) {
        this.pulled++;
        yield row;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => {
        this.wake = r;
      });
      this.wake = undefined;
    }
  }

  handle(): QueryHandle {
    return {
      kind: 'push',
      queryId: this.id,
      columns: this.columns,
      rows: this.rows(),
      close: () => this.close(),
    };
  }
}

/**
 * A KsqlService for the REST layer's tests: statements run on the REAL KsqlEngine (in-memory
 * topics, InMemorySchemaRegistry), with a command sequence and statuses kept here; queries are
 * planned by the engine (so columns, errors and ids are the engine's) but their rows come from the
 * test — pull rows from `pullRows`, push rows from a ControlledPushQuery (`pushQueries`).
 */
export class EngineBackedTestService implements KsqlService {
  readonly topics = new MemoryTopics();
  readonly writer = new MemoryWriter();
  readonly engine = new KsqlEngine({
    topics: this.topics,
    writer: this.writer,
    schemaRegistry: new InMemorySchemaRegistry(),
    clock: () => 1_000,
  });
  readonly requests: { sql: string; request: StatementRequest }[] = [];
  readonly commands = new Map<string, CommandStatus>();
  readonly pushQueries: ControlledPushQuery[] = [];
  readonly inserted: { target: string; row: Readonly<Record<string, unknown>> }[] = [];
  /** Rows every pull query answers. */
  pullRows: unknown[][] = [];
  /** Makes new push queries endless (see ControlledPushQuery). */
  endlessRows: ((n: number) => unknown[]) | undefined;
  /** Status SHOW QUERIES reports per query id (default RUNNING). */
  queryStates = new Map<string, QueryStatus['state']>();
  healthy = true;
  private sequence = 0;
  private readonly sourceTypes = new Map<string, string>();
  private readonly pushWaiters: ((q: ControlledPushQuery) => void)[] = [];

  async execute(sql: string, request: StatementRequest): Promise<ExecutedStatement[]> {
    this.requests.push({ sql, request });
    if (request.commandSequenceNumber !== undefined && request.commandSequenceNumber > this.sequence)
      throw new ServiceError(
        50301,
        `Timed out while waiting for a previous command to execute. command sequence number: ${request.commandSequenceNumber}`,
      );
    const results = await this.engine.execute(sql, {
      properties: request.properties,
      variables: request.variables,
    });
    return results.map((r) => this.executed(r));
  }

  async query(sql: string, request: StatementRequest): Promise<QueryHandle> {
    this.requests.push({ sql, request });
    const results = await this.engine.execute(sql, {
      properties: request.properties,
      variables: request.variables,
    });
    const only = results[0];
    if (results.length !== 1 || only?.kind !== 'TransientQuery')
      throw new ServiceError(40001, 'Expected exactly one query statement', sql);
    const plan = only.query as TransientQueryPlan | PullQueryPlan;
    const columns = plan.schema.columns().map((c) => ({ name: c.name, type: formatSqlType(c.type) }));
    if ('kind' in plan)
      return { kind: 'pull', queryId: `query_${plan.queryId}`, columns, rows: this.pullRows };
    const q = new ControlledPushQuery((plan as TransientQueryPlan).id, columns, this.endlessRows);
    this.pushQueries.push(q);
    for (const w of this.pushWaiters.splice(0)) w(q);
    return q.handle();
  }

  /** The next push query started (or the latest, if one has started since the last call). */
  nextPushQuery(): Promise<ControlledPushQuery> {
    return new Promise((resolve) => this.pushWaiters.push(resolve));
  }

  async insertRows(
    target: string,
    rows: AsyncIterable<Readonly<Record<string, unknown>>>,
    ack: (seq: number) => void,
  ): Promise<void> {
    const source = this.engine.source(target.toUpperCase());
    if (source?.type !== 'STREAM')
      throw new ServiceError(40001, `Cannot insert values into an unknown stream: ${target}`);
    const known = new Set(source.schema.columns().map((c) => c.name));
    let seq = 0;
    for await (const row of rows) {
      for (const col of Object.keys(row))
        if (!known.has(col.toUpperCase()))
          throw new ServiceError(40000, `Row ${seq}: unknown column ${col} in ${source.name}`);
      this.inserted.push({ target: source.name, row });
      ack(seq++);
    }
  }

  async closeQuery(queryId: string): Promise<boolean> {
    const q = this.pushQueries.find((p) => p.id === queryId && !p.closed);
    if (!q) return false;
    await q.close();
    return true;
  }

  /** The deleteTopicList of each terminate request. */
  readonly terminations: (readonly string[])[] = [];

  async terminateCluster(deleteTopicPatterns: readonly string[]): Promise<CommandStatus> {
    this.terminations.push(deleteTopicPatterns);
    return { status: 'SUCCESS', message: 'Cluster terminated.' };
  }

  commandStatus(commandId: string): CommandStatus | undefined {
    return this.commands.get(commandId);
  }

  info(): ServerInfo {
    return {
      version: '7.9.0',
      kafkaClusterId: 'test-cluster',
      ksqlServiceId: 'default_',
      serverStatus: 'RUNNING',
    };
  }

  async healthcheck(): Promise<HealthStatus> {
    return {
      isHealthy: this.healthy,
      details: { metastore: { isHealthy: true }, kafka: { isHealthy: this.healthy } },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.pushQueries.map((q) => q.close()));
  }

  private executed(result: StatementResult): ExecutedStatement {
    const commandId = this.commandIdOf(result);
    const queryStatus = new Map<string, QueryStatus>(
      [...this.queryStates].map(([id, state]) => [id, { state, streamsState: state, errors: [] }]),
    );
    if (commandId === undefined) return { result, queryStatus };
    const status: CommandStatus = {
      status: 'SUCCESS',
      message: 'message' in result ? result.message : 'Done',
      ...(result.kind === 'QueryCreated' ? { queryId: result.query.id } : {}),
    };
    this.commands.set(commandId, status);
    return { result, command: { commandId, commandSequenceNumber: ++this.sequence, status } };
  }

  /** ksqlDB's CommandId text: `<type>/<entity>/<action>`. */
  private commandIdOf(result: StatementResult): string | undefined {
    switch (result.kind) {
      case 'SourceCreated': {
        const type = result.source.type.toLowerCase();
        this.sourceTypes.set(result.source.name, type);
        return `${type}/${result.source.name}/create`;
      }
      case 'QueryCreated': {
        const type = result.query.id.startsWith('CTAS') ? 'table' : 'stream';
        this.sourceTypes.set(result.query.sinkName, type);
        return `${type}/${result.query.sinkName}/create`;
      }
      case 'SourceDropped':
        return `${this.sourceTypes.get(result.name) ?? 'stream'}/${result.name}/drop`;
      case 'QueryTerminated':
        return `terminate/${result.queryIds.join(',')}/execute`;
      case 'TypeCreated':
        return `type/${result.name}/create`;
      case 'TypeDropped':
        return `type/${result.name}/drop`;
      default:
        return undefined;
    }
  }
}
