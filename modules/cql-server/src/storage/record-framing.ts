import { crc32 } from 'node:zlib';

/** Record framing shared by commit log and snapshot: [u32 length][u32 crc32(payload)][payload]. */
export const RECORD_HEADER = 8;

export function frameRecord(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  payload.copy(out, RECORD_HEADER);
  return out;
}

/**
 * Reads the valid records of a file image. Stops at the first torn or corrupt record (a crash while
 * appending) and reports where, so the caller can tell a clean end from a cut one.
 */
export function readRecords(buf: Buffer): { records: Buffer[]; validBytes: number } {
  const records: Buffer[] = [];
  let pos = 0;
  while (pos + RECORD_HEADER <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const crc = buf.readUInt32BE(pos + 4);
    if (pos + RECORD_HEADER + len > buf.length) break;
    const payload = buf.subarray(pos + RECORD_HEADER, pos + RECORD_HEADER + len);
    if (crc32(payload) !== crc) break;
    records.push(payload);
    pos += RECORD_HEADER + len;
  }
  return { records, validBytes: pos };
}
