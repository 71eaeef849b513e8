import { compareKeys } from './key-order.js';

/** The representation headers S3 stores with an object and returns on GET/HEAD (ObjectMeta.headers). */
export const STORED_HEADERS: readonly string[] = [
  'content-type',
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
];

/**
 * Everything known about a stored object; kept in memory for every key, so listings, HEAD and the
 * preconditions of GET/PUT read no files.
 */
export interface ObjectMeta {
  key: string;
  size: number;
  /** Quoted, as sent in `ETag` headers: `"<md5 hex>"` or `"<md5 of part md5s>-<parts>"`. */
  etag: string;
  /** ISO 8601 with milliseconds. */
  lastModified: string;
  /** Stored representation headers (STORED_HEADERS): content-type, content-encoding, cache-control, … */
  headers: Record<string, string>;
  /** `x-amz-meta-*` headers, names lowercased. */
  userMetadata: Record<string, string>;
  /** Checksums the client sent (`crc32`, `crc32c`, `sha1`, `sha256`, `crc64nvme` → base64). */
  checksums: Record<string, string>;
  /** File name of the bytes, beside the metadata file. */
  dataFile: string;
}

/**
 * The keys of one bucket in UTF-8 byte order. Insertion is a binary search and a splice (O(n)
 * moves, cheap up to millions of keys); listing is a binary search and a forward scan.
 */
export class KeyIndex<T extends { key: string }> {
  private readonly keys: string[] = [];
  private readonly summaries = new Map<string, T>();

  /** An index of these items, sorted once (inserting them one by one would move O(n²) keys). */
  static of<T extends { key: string }>(items: T[]): KeyIndex<T> {
    const index = new KeyIndex<T>();
    for (const item of items) index.summaries.set(item.key, item);
    for (const key of [...index.summaries.keys()].sort(compareKeys)) index.keys.push(key);
    return index;
  }

  get size(): number {
    return this.keys.length;
  }

  get(key: string): T | undefined {
    return this.summaries.get(key);
  }

  set(summary: T): void {
    if (!this.summaries.has(summary.key)) {
      this.keys.splice(this.lowerBound(summary.key), 0, summary.key);
    }
    this.summaries.set(summary.key, summary);
  }

  delete(key: string): boolean {
    if (!this.summaries.delete(key)) return false;
    this.keys.splice(this.lowerBound(key), 1);
    return true;
  }

  /** Index of the first key ≥ `key`. */
  lowerBound(key: string, from = 0): number {
    let lo = from;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key > `key`. */
  upperBound(key: string): number {
    const i = this.lowerBound(key);
    return this.keys[i] === key ? i + 1 : i;
  }

  /** Index of the first key at or after `from` that does not start with `prefix` (keys from `from` on are ≥ prefix). */
  endOfPrefix(prefix: string, from: number): number {
    let lo = from;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid].startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  keyAt(index: number): string | undefined {
    return this.keys[index];
  }
}
