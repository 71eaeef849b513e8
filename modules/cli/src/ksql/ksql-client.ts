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

/**
 * A minimal client of ksqlDB's documented REST API: statements go to POST /ksql, queries to
 * POST /query, both with `{ ksql, streamsProperties }`.
 */
export class KsqlClient {
  constructor(private readonly serverUrl: string) {}

  async execute(statement: string, streamsProperties: Record<string, string>): Promise<KsqlResult> {
    const body = await this.post('/ksql', statement, streamsProperties);
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

  private async post(path: '/ksql' | '/query', statement: string, streamsProperties: Record<string, string>) {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.serverUrl), {
        method: 'POST',
        headers: { accept: KSQL_MEDIA_TYPE, 'content-type': `${KSQL_MEDIA_TYPE}; charset=utf-8` },
        body: JSON.stringify({ ksql: statement, streamsProperties }),
      });
    } catch (cause) {
      throw new KsqlError(`cannot reach ksqlDB at ${this.serverUrl}: ${(cause as Error).message}`, statement);
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
