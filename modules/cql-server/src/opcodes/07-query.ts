import type { Compiled, ExecResult } from '../engine/result.js';
import { Opcode } from '../protocol/frame.js';
import { type QueryParams, orderNamedValues, readQueryParams } from '../protocol/query-params.js';
import { encodeResult } from '../protocol/result-encoding.js';
import type { ConnectionState, Handler, Response } from '../server/context.js';

/** Runs a compiled statement with QUERY/EXECUTE parameters and encodes its RESULT. */
export function runStatement(
  compiled: Compiled,
  params: QueryParams,
  conn: ConnectionState,
): Response | Promise<Response> {
  const values = params.names
    ? orderNamedValues(params, compiled.bindNames, compiled.bindSpecs)
    : params.values;
  const options = {
    consistency: params.consistency,
    pageSize: params.pageSize,
    pagingState: params.pagingState,
  };
  const result = compiled.execute(values, options, conn.session);
  // Metadata may only be skipped when the client holds it from PREPARE.
  const skip = params.skipMetadata && compiled.resultColumns !== undefined;
  const toResponse = (r: ExecResult): Response => ({ opcode: Opcode.result, body: encodeResult(r, skip) });
  return result instanceof Promise ? result.then(toResponse) : toResponse(result);
}

/** QUERY: <query: long string><query_parameters>. */
export const handleQuery: Handler = (core, conn, body) => {
  const query = body.longString();
  const params = readQueryParams(body);
  const compiled = core.statements.adHocStatement(query, conn.session.keyspace);
  return runStatement(compiled, params, conn);
};
