import { CQL_VERSION } from '../engine/system-tables.js';
import { Opcode } from '../protocol/frame.js';
import { BodyWriter } from '../protocol/writer.js';
import type { Handler } from '../server/context.js';

const SUPPORTED = new Map<string, string[]>([
  ['CQL_VERSION', [CQL_VERSION]],
  ['COMPRESSION', []],
  ['PROTOCOL_VERSIONS', ['4/v4']],
]);

/** OPTIONS: answers SUPPORTED; allowed before STARTUP. */
export const handleOptions: Handler = () => ({
  opcode: Opcode.supported,
  body: new BodyWriter(128).stringMultimap(SUPPORTED).toBuffer(),
});
