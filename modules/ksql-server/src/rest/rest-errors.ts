import { KsqlError } from '@meterstream/ksql';
import type { Logger } from 'pino';
import { ServiceError } from '../service/ksql-service.js';

/** ksqlDB's error codes (Errors.java): the HTTP status times 100, plus a detail digit. */
export const ErrorCode = {
  BAD_REQUEST: 40000,
  BAD_STATEMENT: 40001,
  QUERY_ENDPOINT: 40002,
  HTTP2_ONLY: 40004,
  NOT_FOUND: 40400,
  NOT_ACCEPTABLE: 40600,
  PAYLOAD_TOO_LARGE: 41300,
  SERVER_ERROR: 50000,
} as const;

/** ksqlDB's KsqlErrorMessage (`generic_error`) and KsqlStatementErrorMessage (`statement_error`). */
export type ErrorBody =
  | { readonly '@type': 'generic_error'; readonly error_code: number; readonly message: string }
  | {
      readonly '@type': 'statement_error';
      readonly error_code: number;
      readonly message: string;
      readonly statementText: string;
      readonly entities: readonly unknown[];
    };

/** An error answer of the REST layer: HTTP status and ksqlDB's error body. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly statementText?: string,
  ) {
    super(message);
    this.name = 'RestError';
  }

  body(): ErrorBody {
    return this.statementText === undefined
      ? { '@type': 'generic_error', error_code: this.errorCode, message: this.message }
      : {
          '@type': 'statement_error',
          error_code: this.errorCode,
          message: this.message,
          statementText: this.statementText,
          entities: [],
        };
  }
}

/** ksqlDB's KsqlResource message for a SELECT or PRINT sent to /ksql. */
export const QUERY_ENDPOINT_MESSAGE =
  "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT";

/**
 * A statement's text as ksqlDB's answers show it: with its terminating semicolon (the engine gives
 * statements without it).
 */
export function terminated(statementText: string): string {
  const t = statementText.trimEnd();
  return t === '' || t.endsWith(';') ? t : `${t};`;
}

/** The status of a ksqlDB error code (Errors.toStatusCode). */
export function statusOf(errorCode: number): number {
  const status = Math.trunc(errorCode / 100);
  return status >= 400 && status < 600 ? status : 500;
}

/**
 * Turns what a service call threw into the answer ksqlDB gives: a KsqlError is a bad statement
 * (400, 40001, with its statement), a ServiceError carries its own code; anything else is an
 * internal error, logged here and not shown to the client (as ksqlDB's handleEndpointException).
 */
export function restErrorOf(err: unknown, log: Logger, where: string): RestError {
  if (err instanceof RestError) return err;
  if (err instanceof KsqlError)
    return new RestError(
      400,
      ErrorCode.BAD_STATEMENT,
      err.messageWithStatement,
      terminated(err.statementText ?? ''),
    );
  if (err instanceof ServiceError)
    return new RestError(
      statusOf(err.errorCode),
      err.errorCode,
      err.message,
      err.statementText === undefined ? undefined : terminated(err.statementText),
    );
  log.error({ err, where }, 'internal error handling a request');
  return new RestError(
    500,
    ErrorCode.SERVER_ERROR,
    'The server encountered an internal error when processing the query. Please consult the server logs for more information.',
  );
}
