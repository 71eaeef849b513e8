import { trustedFetch } from '@meterstream/common';

/** A failed statement: carries ksqlDB's own error code and message. */
export class KsqlError extends Error {
  override readonly name = 'KsqlError';
  constructor(
    message: string,
    readonly statement: string,
    readonly errorCode?: number,
  ) {
    super(message);
  }
}

export interface KsqlResult {
  endpoint: '/ksql' | '/query';
  /** For /ksql: the entities ksqlDB returned. */
  entities?: Record<string, unknown>[];
  /** For /query: the column schema and the rows. */
  schema?: string;
  rows?: unknown[][];
  finalMessage?: string;
}

const KSQL_MEDIA_TYPE = 'application/vnd.ksql.v1+json';
const DELIMITED_MEDIA_TYPE = 'application/vnd.ksqlapi.delimited.v1';

/** What POST /query-stream sends first: the query's id and result columns. */
export interface QueryStreamHeader {
  queryId?: string;
  columnNames: string[];
  columnTypes: string[];
}

/** A request's context beyond its text (ksqlDB's streamsProperties and sessionVariables). */
export interface RequestContext {
  properties: Record<string, string>;
  variables?: Record<string, string>;
}

/**
 * A minimal client of ksqlDB's documented REST API: statements go to POST /ksql, queries to
 * POST /query, both with `{ ksql, streamsProperties }`.
 */
export class KsqlClient {
  private readonly serverUrl: string;
  /** Basic credentials taken from the URL's user info (fetch refuses URLs that carry them). */
  private readonly auth: Record<string, string>;

  constructor(serverUrl: string) {
    const url = new URL(serverUrl);
    this.auth = url.username
      ? {
          authorization: `Basic ${Buffer.from(
            `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
          ).toString('base64')}`,
        }
      : {};
    url.username = '';
    url.password = '';
    // As the user wrote it (URL adds a `/` to a bare origin): messages name this URL.
    this.serverUrl = url.toString().replace(/\/$/, '');
  }

  async execute(
    statement: string,
    streamsProperties: Record<string, string>,
    sessionVariables?: Record<string, string>,
  ): Promise<KsqlResult> {
    const body = await this.post('/ksql', statement, streamsProperties, sessionVariables);
    if (!Array.isArray(body))
      throw new KsqlError(`unexpected /ksql response: ${JSON.stringify(body)}`, statement);
    for (const entity of body as Record<string, unknown>[]) {
      const status = entity.commandStatus as { status?: string; message?: string } | undefined;
      if (status?.status === 'ERROR') throw new KsqlError(status.message ?? 'command failed', statement);
    }
    return { endpoint: '/ksql', entities: body as Record<string, unknown>[] };
  }

  async query(statement: string, streamsProperties: Record<string, string>): Promise<KsqlResult> {
    const body = await this.post('/query', statement, streamsProperties);
    if (!Array.isArray(body))
      throw new KsqlError(`unexpected /query response: ${JSON.stringify(body)}`, statement);
    const result: KsqlResult = { endpoint: '/query', rows: [] };
    for (const item of body as Record<string, unknown>[]) {
      if (item.header) result.schema = (item.header as { schema?: string }).schema;
      else if (item.row) result.rows!.push((item.row as { columns: unknown[] }).columns);
      else if (typeof item.finalMessage === 'string') result.finalMessage = item.finalMessage;
      else if (item.errorMessage || String(item['@type'] ?? '').endsWith('error')) {
        const error = (item.errorMessage ?? item) as { message?: string; error_code?: number };
        throw new KsqlError(error.message ?? JSON.stringify(item), statement, error.error_code);
      }
    }
    return result;
  }

  /**
   * Runs a push or pull query on POST /query-stream (HTTP/1.1, newline-delimited: the header, then
   * one JSON array per row) and yields the header then each row as it arrives. Aborting `signal`
   * closes the connection, which ends a push query on the server (ksqlDB closes a query whose
   * client went away).
   */
  async *streamQuery(
    statement: string,
    context: RequestContext,
    signal?: AbortSignal,
  ): AsyncGenerator<{ header: QueryStreamHeader } | { row: unknown[] }> {
    let response: Response;
    try {
      response = await trustedFetch(new URL('/query-stream', this.serverUrl), {
        method: 'POST',
        headers: { ...this.auth, accept: DELIMITED_MEDIA_TYPE, 'content-type': 'application/json' },
        body: JSON.stringify({
          sql: statement,
          properties: context.properties,
          sessionVariables: context.variables ?? {},
        }),
        signal,
      });
    } catch (cause) {
      if (signal?.aborted) return;
      throw new KsqlError(unreachable(this.serverUrl, cause), statement);
    }
    if (!response.ok || !response.body) {
      const text = await response.text();
      throw errorOf(text, response.status, statement);
    }
    const decoder = new TextDecoder();
    let pending = '';
    let first = true;
    const lines = async function* (body: ReadableStream<Uint8Array>) {
      try {
        for await (const chunk of body) {
          pending += decoder.decode(chunk, { stream: true });
          let nl = pending.indexOf('\n');
          while (nl >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            if (line) yield line;
            nl = pending.indexOf('\n');
          }
        }
      } catch (cause) {
        if (signal?.aborted) return;
        throw cause;
      }
      if (pending.trim()) yield pending.trim();
    };
    for await (const line of lines(response.body)) {
      const item = parseLine(line, statement);
      if (first) {
        first = false;
        yield { header: item as QueryStreamHeader };
      } else if (Array.isArray(item)) yield { row: item };
      else throw errorOf(line, response.status, statement);
    }
  }

  /**
   * PRINT on POST /query: ksqlDB answers plain text lines (format lines, then one per record),
   * streamed until LIMIT; yields each line as it arrives. Aborting `signal` ends the PRINT.
   */
  async *printTopic(
    statement: string,
    streamsProperties: Record<string, string>,
    signal?: AbortSignal,
  ): AsyncGenerator<string> {
    let response: Response;
    try {
      response = await trustedFetch(new URL('/query', this.serverUrl), {
        method: 'POST',
        headers: {
          ...this.auth,
          accept: KSQL_MEDIA_TYPE,
          'content-type': `${KSQL_MEDIA_TYPE}; charset=utf-8`,
        },
        body: JSON.stringify({ ksql: statement, streamsProperties }),
        signal,
      });
    } catch (cause) {
      if (signal?.aborted) return;
      throw new KsqlError(`cannot reach ksqlDB at ${this.serverUrl}: ${(cause as Error).message}`, statement);
    }
    if (!response.ok || !response.body) throw errorOf(await response.text(), response.status, statement);
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk, { stream: true });
        for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line.trim()) yield line;
        }
      }
    } catch (cause) {
      if (signal?.aborted) return;
      throw cause;
    }
    if (pending.trim()) yield pending;
  }

  private async post(
    path: '/ksql' | '/query',
    statement: string,
    streamsProperties: Record<string, string>,
    sessionVariables?: Record<string, string>,
  ) {
    let response: Response;
    try {
      response = await trustedFetch(new URL(path, this.serverUrl), {
        method: 'POST',
        headers: {
          ...this.auth,
          accept: KSQL_MEDIA_TYPE,
          'content-type': `${KSQL_MEDIA_TYPE}; charset=utf-8`,
        },
        body: JSON.stringify({
          ksql: statement,
          streamsProperties,
          ...(sessionVariables ? { sessionVariables } : {}),
        }),
      });
    } catch (cause) {
      throw new KsqlError(unreachable(this.serverUrl, cause), statement);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      throw new KsqlError(
        `ksqlDB answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
        statement,
      );
    }
    if (!response.ok) {
      const error = (body ?? {}) as { message?: string; error_code?: number };
      throw new KsqlError(error.message ?? `HTTP ${response.status}`, statement, error.error_code);
    }
    return body;
  }
}

function parseLine(line: string, statement: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new KsqlError(`ksqlDB sent a line that is not JSON: ${line.slice(0, 200)}`, statement);
  }
}

/** ksqlDB's error body (`{"@type":…_error, error_code, message}`) as a KsqlError. */
function errorOf(text: string, status: number, statement: string): KsqlError {
  let body: { message?: string; error_code?: number } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return new KsqlError(`ksqlDB answered ${status}: ${text.slice(0, 200)}`, statement);
  }
  return new KsqlError(body.message ?? `HTTP ${status}`, statement, body.error_code);
}

/** Node's codes for a server certificate the client cannot verify (OpenSSL's names). */
const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * One line saying what was tried, why it failed (fetch's own message is only "fetch failed"; the
 * socket's code is in its cause), and how to point the CLI elsewhere or start a server.
 */
function unreachable(serverUrl: string, error: unknown): string {
  const code = (error as { cause?: { code?: string } }).cause?.code;
  if (code && TLS_TRUST_CODES.has(code)) {
    return (
      `cannot trust ksqlDB's TLS certificate at ${serverUrl} (${code}); give its CA as --tls-ca <file> ` +
      '(METERSTREAM_KSQL_TLS_CA; a stack from `meterstream up --secure` is trusted through --data-dir)'
    );
  }
  const reason = code === 'ECONNREFUSED' ? 'connection refused' : (code ?? (error as Error).message);
  return (
    `cannot reach ksqlDB at ${serverUrl} (${reason}); give its URL as \`meterstream ksql <url>\`, ` +
    '--server-url or METERSTREAM_KSQLDB_URL, or start the local stack with `meterstream up`'
  );
}
