import type { KeyIndex, ObjectMeta } from './key-index.js';
import { compareKeys } from './key-order.js';

export interface ListOptions {
  prefix: string;
  delimiter: string;
  /** Only keys (and common prefixes) strictly after this one: start-after, marker or a continuation token. */
  after: string;
  maxKeys: number;
}

export interface ListPage {
  objects: ObjectMeta[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix of the page, where the next page starts after. */
  last: string | undefined;
}

/**
 * One page of a listing, S3 semantics: keys under `prefix` after `after` in UTF-8 byte order; with
 * a delimiter, keys that contain it after the prefix roll up into one common prefix each, which
 * counts as one entry against `maxKeys` and is reported once across pages.
 */
export function listKeys(index: KeyIndex<ObjectMeta>, options: ListOptions): ListPage {
  const { prefix, delimiter, after, maxKeys } = options;
  // max-keys=0 asks for nothing: S3 answers an empty, untruncated page.
  if (maxKeys === 0) return { objects: [], commonPrefixes: [], isTruncated: false, last: undefined };
  let i = after && compareKeys(after, prefix) >= 0 ? index.upperBound(after) : index.lowerBound(prefix);
  const objects: ObjectMeta[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  let isTruncated = false;
  for (;;) {
    const key = index.keyAt(i);
    if (key === undefined || !key.startsWith(prefix)) break;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      const next = index.endOfPrefix(common, i);
      if (compareKeys(common, after) > 0) {
        if (objects.length + commonPrefixes.length >= maxKeys) {
          isTruncated = true;
          break;
        }
        commonPrefixes.push(common);
        last = common;
      }
      i = next;
      continue;
    }
    if (objects.length + commonPrefixes.length >= maxKeys) {
      isTruncated = true;
      break;
    }
    objects.push(index.get(key)!);
    last = key;
    i++;
  }
  return { objects, commonPrefixes, isTruncated, last };
}
