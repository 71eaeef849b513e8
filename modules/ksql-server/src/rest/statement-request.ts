import type { StatementRequest } from '../service/ksql-service.js';
import { ErrorCode, RestError } from './rest-errors.js';
import { stringMapField } from './request-body.js';

/**
 * The request context of ksqlDB's KsqlRequest (/ksql, /query) and QueryStreamArgs (/query-stream):
 * `streamsProperties` (or `properties` on /query-stream), `sessionVariables`, `commandSequenceNumber`.
 */
export function statementRequestOf(body: Record<string, unknown>): StatementRequest {
  const properties = stringMapField(body, 'streamsProperties') ?? stringMapField(body, 'properties');
  const variables = stringMapField(body, 'sessionVariables');
  const seq = body.commandSequenceNumber;
  if (seq !== undefined && seq !== null && (typeof seq !== 'number' || !Number.isInteger(seq)))
    throw new RestError(
      400,
      ErrorCode.BAD_REQUEST,
      'Invalid JSON in request: "commandSequenceNumber" must be an integer',
    );
  return {
    ...(properties ? { properties } : {}),
    ...(variables ? { variables } : {}),
    ...(typeof seq === 'number' ? { commandSequenceNumber: seq } : {}),
  };
}
