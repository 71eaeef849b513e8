/**
 * Redis key layout of one store instance (one application × store × partition):
 *
 *   <ns>            = <prefix>:{<applicationId>:<store>:<partition>}
 *   <ns>:idx        sorted set, every score 0, member = key bytes  → ZRANGE BYLEX = byte-ordered range
 *   <ns>:val        hash, field = key bytes, value = value bytes
 *   <ns>:segments   sorted set of live segment ids (score = id) — window/session stores
 *   <ns>:seg:<id>:idx / <ns>:seg:<id>:val   the same pair per time segment (dropped with one DEL)
 *   <ns>:meta       hash: `checkpoint` (next changelog offset), `streamTime`, `owner` (fencing token)
 *
 * The `{…}` hash tag keeps all keys of a store instance in one Redis Cluster slot, so the flush
 * persist script's keys share a slot on a cluster. Redis compares members as memcmp — the same unsigned byte
 * order as Buffer.compare — so a lexicographic range is exactly the store's key range.
 */
export class StoreKeys {
  readonly ns: string;

  constructor(prefix: string, applicationId: string, store: string, partition: number) {
    this.ns = `${prefix}:{${applicationId}:${store}:${partition}}`;
  }

  get index(): string {
    return `${this.ns}:idx`;
  }
  get values(): string {
    return `${this.ns}:val`;
  }
  get meta(): string {
    return `${this.ns}:meta`;
  }
  get segments(): string {
    return `${this.ns}:segments`;
  }
  segmentIndex(id: number): string {
    return `${this.ns}:seg:${id}:idx`;
  }
  segmentValues(id: number): string {
    return `${this.ns}:seg:${id}:val`;
  }
}

/** `[key` — inclusive lexicographic bound for ZRANGE BYLEX (binary-safe). */
export function lexInclusive(key: Buffer): Buffer {
  return Buffer.concat([LEX_INCLUSIVE, key]);
}

/** `(key` — exclusive lexicographic bound. */
export function lexExclusive(key: Buffer): Buffer {
  return Buffer.concat([LEX_EXCLUSIVE, key]);
}

const LEX_INCLUSIVE = Buffer.from('[');
const LEX_EXCLUSIVE = Buffer.from('(');
