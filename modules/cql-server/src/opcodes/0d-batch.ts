import { authorize } from '../auth/authorize.js';
import { checkConsistency } from '../engine/consistency.js';
import { type Mutation, checkWriteSize } from '../engine/mutation.js';
import type { Compiled } from '../engine/result.js';
import { invalidRequest, protocolError } from '../protocol/errors.js';
import { Opcode } from '../protocol/frame.js';
import type { WireValue } from '../protocol/reader.js';
import { encodeResult } from '../protocol/result-encoding.js';
import type { Handler, Response } from '../server/context.js';

const BatchType = { logged: 0, unlogged: 1, counter: 2 } as const;

/**
 * BATCH, in two phases. First every statement is resolved to its mutations (compiled, values
 * validated, consistency checked); any failure there answers an error and applies nothing. Then
 * `Database.write` applies them together and logs them as ONE commit-log record, so a crash keeps
 * all or none. Logged and unlogged batches alike: Cassandra only promises per-partition atomicity
 * for UNLOGGED, and all-or-nothing is that and more (on one node it costs nothing).
 */
export const handleBatch: Handler = (core, conn, body) => {
  const type = body.byte();
  if (type > BatchType.counter) throw protocolError(`Invalid BATCH message type ${type}`);
  if (type === BatchType.counter)
    throw invalidRequest('Counter batches are not supported (no counter columns)');
  const n = body.short();
  const statements: { compiled: Compiled; values: WireValue[] }[] = [];
  for (let i = 0; i < n; i++) {
    const kind = body.byte();
    let compiled: Compiled;
    if (kind === 0) compiled = core.statements.adHocStatement(body.longString(), conn.session.keyspace);
    else if (kind === 1) compiled = core.statements.get(body.shortBytes()).compiled;
    else throw protocolError(`Invalid query kind in BATCH messages. Must be 0 or 1 but got ${kind}`);
    const count = body.short();
    const values: WireValue[] = [];
    for (let v = 0; v < count; v++) values.push(body.value());
    statements.push({ compiled, values });
  }
  const consistency = body.short();
  // Remaining flags (serial consistency, default timestamp) do not change how a single node applies writes.
  const options = { consistency, pageSize: -1 };
  const mutations: Mutation[] = [];
  for (const s of statements) {
    // Every statement is authorized before anything is applied: one refusal fails the whole batch.
    authorize(core.db.auth, conn.session.user, s.compiled.access);
    if (!s.compiled.isWrite || !s.compiled.mutations || s.compiled.table === undefined) {
      throw invalidRequest(
        'Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed (conditional ones are not supported)',
      );
    }
    for (const m of s.compiled.mutations(s.values, options)) mutations.push(m);
    checkWriteSize(mutations.length);
  }
  for (const m of mutations) {
    if (m.op !== 'ddl') checkConsistency(core.db.keyspace(m.keyspace), consistency);
  }
  const durable = core.db.write(mutations);
  const response: Response = { opcode: Opcode.result, body: encodeResult({ kind: 'void' }, false) };
  return durable ? durable.then(() => response) : response;
};
