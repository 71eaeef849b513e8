import { Opcode } from '../protocol/frame.js';
import { encodePrepared } from '../protocol/result-encoding.js';
import type { Handler } from '../server/context.js';

/** PREPARE: compiles once; EXECUTE then runs the compiled plan without parsing. */
export const handlePrepare: Handler = (core, conn, body) => {
  const query = body.longString();
  const prepared = core.statements.prepare(query, conn.session.keyspace);
  return { opcode: Opcode.result, body: encodePrepared(prepared) };
};
