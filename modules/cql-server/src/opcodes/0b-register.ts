import { Opcode } from '../protocol/frame.js';
import { protocolError } from '../protocol/errors.js';
import type { Handler } from '../server/context.js';

const EVENT_TYPES = new Set(['TOPOLOGY_CHANGE', 'STATUS_CHANGE', 'SCHEMA_CHANGE']);

/** REGISTER: the connection will receive EVENT frames (stream -1) of these types. */
export const handleRegister: Handler = (_core, conn, body) => {
  for (const type of body.stringList()) {
    if (!EVENT_TYPES.has(type)) throw protocolError(`Invalid value '${type}' for Type`);
    conn.events.add(type);
  }
  return { opcode: Opcode.ready, body: Buffer.alloc(0) };
};
