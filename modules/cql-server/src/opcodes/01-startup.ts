import { Opcode } from '../protocol/frame.js';
import { protocolError } from '../protocol/errors.js';
import type { Handler } from '../server/context.js';

/** STARTUP: options map; compression is not offered (SUPPORTED lists none), so asking for it is an error. */
export const handleStartup: Handler = (_core, conn, body) => {
  const options = body.stringMap();
  const compression = options.get('COMPRESSION');
  if (compression) throw protocolError(`Unknown compression algorithm: ${compression}`);
  const cqlVersion = options.get('CQL_VERSION');
  if (cqlVersion && !cqlVersion.startsWith('3.')) {
    throw protocolError(`Invalid or unsupported CQL version ${cqlVersion}; supported is 3.4.4`);
  }
  conn.started = true;
  return { opcode: Opcode.ready, body: Buffer.alloc(0) };
};
