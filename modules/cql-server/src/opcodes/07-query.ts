import type { Compiled, ExecResult } from '../engine/result.js';
import { Opcode } from '../protocol/frame.js';
import { type QueryParams, orderNamedValues, readQueryParams } from '../protocol/query-params.js';
import { encodeResult } from '../protocol/result-encoding.js';
import type { ConnectionState, Handler, Response, ServerCore } from '../server/context.js';
import { afterSuccess, authorize } from '../auth/authorize.js';

/** Runs a compiled statement with QUERY/EXECUTE parameters and encodes its RESULT. */
export function runStatement(
  core: ServerCore,
  compiled: Compiled,
  params: QueryParams,
  conn: ConnectionState,
): Response | Promise<Response> {
  // Checked at every run, not at PREPARE (as Cassandra): a REVOKE applies to prepared statements too.
  authorize(core.db.auth, conn.session.user, compiled.access);
  const values = params.names
    ? orderNamedValues(params, compiled.bindNames, compiled.bindSpecs)
    : params.values;
  const options = {
    consistency: params.consistency,
    pageSize: params.pageSize,
    pagingState: params.pagingState,
  };
  const executed = compiled.execute(values, options, conn.session);
  const result = compiled.access?.after ? withGrantBookkeeping(core, conn, compiled, executed) : executed;
  // Metadata may only be skipped when the client holds it from PREPARE.
  const skip = params.skipMetadata && compiled.resultColumns !== undefined;
  const toResponse = (r: ExecResult): Response => ({ opcode: Opcode.result, body: encodeResult(r, skip) });
  return result instanceof Promise ? result.then(toResponse) : toResponse(result);
}

async function withGrantBookkeeping(
  core: ServerCore,
  conn: ConnectionState,
  compiled: Compiled,
  executed: ExecResult | Promise<ExecResult>,
): Promise<ExecResult> {
  const r = await executed;
  await afterSuccess(core.db.auth, conn.session.user, compiled.access);
  return r;
}

/** QUERY: <query: long string><query_parameters>. */
export const handleQuery: Handler = (core, conn, body) => {
  const query = body.longString();
  const params = readQueryParams(body);
  const compiled = core.statements.adHocStatement(query, conn.session.keyspace);
  return runStatement(core, compiled, params, conn);
};
