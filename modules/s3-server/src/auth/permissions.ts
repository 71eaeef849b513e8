import { S3Error } from '../errors.js';
import type { AccessKey, BucketAccess } from './access-keys.js';

/** What one request touches, and how. */
export interface Needed {
  access: BucketAccess;
  bucket: string;
  /** The object key, or the listing prefix; undefined = the bucket itself (create, delete, DeleteObjects). */
  key?: string;
}

/**
 * What a request needs, from its method, address and sub-resource: reads (GET/HEAD objects,
 * listings, location, ListParts) need `read` on the key or listing prefix; writes (PUT, POST,
 * DELETE of objects, multipart) need `read-write` on the key; bucket creation and deletion and
 * DeleteObjects (whose keys are only in the body) need `read-write` on the whole bucket. CopyObject
 * also needs `read` on its source. ListBuckets needs nothing beyond a valid signature.
 */
export function neededAccess(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: Map<string, string>,
  copySource: string | undefined,
): Needed[] {
  if (bucket === undefined) return [];
  const reading = method === 'GET' || method === 'HEAD';
  if (key === undefined) {
    if (reading) return [{ access: 'read', bucket, key: query.get('prefix') ?? '' }];
    return [{ access: 'read-write', bucket }];
  }
  const needs: Needed[] = [{ access: reading ? 'read' : 'read-write', bucket, key }];
  if (copySource !== undefined) {
    const source = decodeURIComponent(copySource.replace(/^\//, '').replace(/\?.*$/, ''));
    const slash = source.indexOf('/');
    if (slash > 0)
      needs.push({ access: 'read', bucket: source.slice(0, slash), key: source.slice(slash + 1) });
  }
  return needs;
}

/** Throws 403 AccessDenied unless every need is covered by one of the key's grants. */
export function checkPermissions(key: AccessKey | undefined, needs: Needed[]): void {
  if (!key?.grants) return;
  for (const need of needs) {
    const covered = key.grants.some(
      (g) =>
        g.bucket === need.bucket &&
        (g.access === 'read-write' || need.access === 'read') &&
        (need.key === undefined ? (g.prefix ?? '') === '' : need.key.startsWith(g.prefix ?? '')),
    );
    if (!covered) throw new S3Error('AccessDenied', 'Access Denied');
  }
}
