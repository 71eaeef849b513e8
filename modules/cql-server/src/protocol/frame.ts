/** Frame layout of protocol v3+ (spec section 2): 9-byte header, then the body. */
export const HEADER_LENGTH = 9;
export const PROTOCOL_VERSION = 4;
export const RESPONSE_BIT = 0x80;

export const Opcode = {
  error: 0x00,
  startup: 0x01,
  ready: 0x02,
  authenticate: 0x03,
  options: 0x05,
  supported: 0x06,
  query: 0x07,
  result: 0x08,
  prepare: 0x09,
  execute: 0x0a,
  register: 0x0b,
  event: 0x0c,
  batch: 0x0d,
  authChallenge: 0x0e,
  authResponse: 0x0f,
  authSuccess: 0x10,
} as const;

export const FrameFlag = {
  compression: 0x01,
  tracing: 0x02,
  customPayload: 0x04,
  warning: 0x08,
  beta: 0x10,
} as const;

export interface FrameHeader {
  version: number;
  flags: number;
  stream: number;
  opcode: number;
  length: number;
}

export function readHeader(buf: Buffer, offset: number): FrameHeader {
  return {
    version: buf[offset] & 0x7f,
    flags: buf[offset + 1],
    stream: buf.readInt16BE(offset + 2),
    opcode: buf[offset + 4],
    length: buf.readInt32BE(offset + 5),
  };
}

/** Encodes a response frame; `version` is the version byte without the response bit. */
export function encodeFrame(
  stream: number,
  opcode: number,
  body: Buffer,
  version = PROTOCOL_VERSION,
): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  out[0] = RESPONSE_BIT | version;
  out[1] = 0;
  out.writeInt16BE(stream, 2);
  out[4] = opcode;
  out.writeInt32BE(body.length, 5);
  body.copy(out, HEADER_LENGTH);
  return out;
}
