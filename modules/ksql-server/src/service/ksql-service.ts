import type { StatementResult } from '@meterstream/ksql';
import type { QueryStatus } from '../runtime/query-runtime.js';

/**
 * What the REST layer asks of the server: the engine behind a command topic, with queries running
 * on the QueryRuntime. The REST layer only translates HTTP ⇄ these calls; it never touches the
 * engine or Kafka itself.
 */
export interface KsqlService {
  /**
   * POST /ksql: executes the statements of `sql` in order. DDL, persistent queries, TERMINATE and
   * DROP are made durable in the command topic before they are acknowledged. Stops at the first
   * failing statement, throwing a KsqlError (with `statementText`) or a ServiceError; the results of
   * the statements before it are lost to the caller, as on ksqlDB (their effects stay).
   * A query statement (SELECT) is refused here: the REST layer answers it with error 40002.
   */
  execute(sql: string, request: StatementRequest): Promise<ExecutedStatement[]>;
  /** POST /query and /query-stream: starts one push or pull query, or a PRINT (exactly one statement). */
  query(sql: string, request: StatementRequest): Promise<QueryHandle>;
  /**
   * POST /inserts-stream: writes rows (JSON objects keyed by column name, as ksqlDB's API) into a
   * stream, in order; `ack(seq)` after each row is written; a bad row rejects with a ServiceError
   * naming it (rows before it stay written).
   */
  insertRows(
    target: string,
    rows: AsyncIterable<Readonly<Record<string, unknown>>>,
    ack: (seq: number) => void,
  ): Promise<void>;
  /** POST /close-query: false when no such push query is running. */
  closeQuery(queryId: string): Promise<boolean>;
  /**
   * POST /ksql/terminate: stops every persistent query (deleting its internal topics), deletes the
   * sink topics of CREATE … AS SELECT sources matching `deleteTopicPatterns` (regexes matching the
   * whole topic name) and the command topic. The server then answers 50304 "The server is shut
   * down" to statements and queries, as ksqlDB once terminated.
   */
  terminateCluster(deleteTopicPatterns: readonly string[]): Promise<CommandStatus>;
  /** GET /status/{commandId}. */
  commandStatus(commandId: string): CommandStatus | undefined;
  /** GET /info. */
  info(): ServerInfo;
  /** GET /healthcheck. */
  healthcheck(): Promise<HealthStatus>;
  close(): Promise<void>;
}

/** A request's context, as ksqlDB's KsqlRequest carries it. */
export interface StatementRequest {
  /** streamsProperties: overrides for this request (`auto.offset.reset`, `ksql.streams.*`, …). */
  readonly properties?: Readonly<Record<string, string>>;
  /** sessionVariables: `${name}` substitutions for this request. */
  readonly variables?: Readonly<Record<string, string>>;
  /** commandSequenceNumber: wait until the command topic has been applied up to it. */
  readonly commandSequenceNumber?: number;
}

export interface ExecutedStatement {
  readonly result: StatementResult;
  /** For statements that went through the command topic (ksqlDB's `currentStatus` entity). */
  readonly command?: {
    readonly commandId: string;
    readonly commandSequenceNumber: number;
    readonly status: CommandStatus;
  };
  /** Status of the persistent queries `result` names (SHOW QUERIES, EXPLAIN, DESCRIBE EXTENDED). */
  readonly queryStatus?: ReadonlyMap<string, QueryStatus>;
}

/** ksqlDB's CommandStatus. */
export interface CommandStatus {
  readonly status: 'QUEUED' | 'PARSING' | 'EXECUTING' | 'SUCCESS' | 'ERROR' | 'TERMINATED';
  readonly message: string;
  readonly queryId?: string;
}

/** A started query. `columns` gives the result's layout: each row is one value per column. */
export type QueryHandle =
  | {
      readonly kind: 'pull';
      readonly queryId: string;
      readonly columns: readonly ResultColumn[];
      readonly rows: readonly (readonly unknown[])[];
    }
  | {
      /** PRINT topic: ksqlDB's text lines (format lines, then one per record), until LIMIT or close(). */
      readonly kind: 'print';
      readonly queryId: string;
      readonly lines: AsyncIterable<string>;
      close(): Promise<void>;
    }
  | {
      readonly kind: 'push';
      readonly queryId: string;
      readonly columns: readonly ResultColumn[];
      readonly rows: AsyncIterable<readonly unknown[]>;
      /** Stops it (client gone, /close-query, LIMIT reached); idempotent. */
      close(): Promise<void>;
      /**
       * Set for a pull query on a stream (a bounded scan, which ends by itself): why its rows
       * ended — at LIMIT (/query: "Limit Reached") or at the end offsets taken when it started
       * ("Query Completed"). A push query's rows only end by themselves at LIMIT.
       */
      readonly ended?: () => 'limit' | 'end-offsets' | undefined;
    };

/** A result column: name and SQL type as ksqlDB prints it (`BIGINT`, `ARRAY<STRING>`, `STRUCT<…>`). */
export interface ResultColumn {
  readonly name: string;
  readonly type: string;
  /** A key column of a pull query's result (its /query header says `KEY`, as ksqlDB's schema text). */
  readonly key?: boolean;
}

/** GET /info's KsqlServerInfo. */
export interface ServerInfo {
  readonly version: string;
  readonly kafkaClusterId: string;
  readonly ksqlServiceId: string;
  readonly serverStatus: 'RUNNING' | 'ERROR';
}

/** GET /healthcheck. */
export interface HealthStatus {
  readonly isHealthy: boolean;
  readonly details: Readonly<Record<string, { readonly isHealthy: boolean }>>;
}

/**
 * An error that is not about a statement's text: ksqlDB's error codes (40400 not found, 40900
 * conflict, 50000 server error, 50303 command queue catch-up timeout, …) with their message.
 */
export class ServiceError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
    /** The statement it is about, when there is one: the REST layer then answers `statement_error`. */
    readonly statementText?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
