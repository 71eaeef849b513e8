import { readQueryParams } from '../protocol/query-params.js';
import type { Handler } from '../server/context.js';
import { runStatement } from './07-query.js';

/** EXECUTE: <id: short bytes><query_parameters>; an unknown id answers UNPREPARED so the driver re-prepares. */
export const handleExecute: Handler = (core, conn, body) => {
  const id = body.shortBytes();
  const params = readQueryParams(body);
  const prepared = core.statements.get(id);
  return runStatement(core, prepared.compiled, params, conn);
};
