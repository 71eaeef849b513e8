import { connect, type Socket } from 'node:net';
import { decodeMessage, encodeMessage, isFlexible } from '../../src/protocol/codec.js';
import { API_SCHEMAS } from '../../src/protocol/messages.generated.js';
import { Reader, Writer } from '../../src/protocol/primitives.js';

/** Encodes a full request frame (size prefix, header v1/v2, body) with the broker's own codec. */
export function requestFrame(apiKey: number, version: number, correlationId: number, body: object): Buffer {
  const schema = API_SCHEMAS[apiKey].request;
  const w = new Writer();
  const setSize = w.reserveInt32();
  w.int16(apiKey);
  w.int16(version);
  w.int32(correlationId);
  w.int16(4);
  w.utf8('fuzz', 4);
  if (isFlexible(schema, version)) w.uvarint(0);
  encodeMessage(schema, version, body, w);
  setSize(w.length - 4);
  return w.toBuffer();
}

/** Sends raw bytes; resolves with the first response frame's body, or 'closed'. */
export function sendRaw(port: number, bytes: Buffer, waitMs = 2000): Promise<Buffer | 'closed' | 'silent'> {
  return new Promise((resolve) => {
    const sock: Socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      resolve('silent');
    }, waitMs);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        clearTimeout(timer);
        sock.destroy();
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    sock.write(bytes);
  });
}

/** Decodes a response frame body (after the size) for a non-flexible-header response. */
export function decodeResponse<T>(apiKey: number, version: number, frame: Buffer): T {
  const schema = API_SCHEMAS[apiKey].response;
  const r = new Reader(frame);
  r.int32(); // correlation id
  if (apiKey !== 18 && isFlexible(schema, version)) r.uvarint();
  return decodeMessage<T>(schema, version, r);
}
