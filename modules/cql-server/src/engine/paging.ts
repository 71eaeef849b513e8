import { protocolError } from '../protocol/errors.js';
import { BodyReader } from '../protocol/reader.js';
import { BodyWriter } from '../protocol/writer.js';

/**
 * Position after the last row of a page: the partition (its key string) and the clustering key of
 * the last row returned, plus how many rows were returned so far (for LIMIT). Resuming seeks past
 * that row, so concurrent writes do not shift or repeat rows the way an offset would.
 */
export interface PagingPosition {
  partition: string;
  ck: Buffer[];
  returned: number;
}

export function encodePagingState(p: PagingPosition): Buffer {
  const w = new BodyWriter(64);
  w.bytes(Buffer.from(p.partition, 'latin1'));
  w.short(p.ck.length);
  for (const b of p.ck) w.bytes(b);
  w.int(p.returned);
  return w.toBuffer();
}

export function decodePagingState(b: Buffer): PagingPosition {
  try {
    const r = new BodyReader(b);
    const partition = (r.bytes() ?? Buffer.alloc(0)).toString('latin1');
    const n = r.short();
    const ck: Buffer[] = [];
    for (let i = 0; i < n; i++) ck.push(r.bytes() ?? Buffer.alloc(0));
    return { partition, ck, returned: r.int() };
  } catch (err) {
    throw protocolError(`Invalid paging state: ${(err as Error).message}`);
  }
}
