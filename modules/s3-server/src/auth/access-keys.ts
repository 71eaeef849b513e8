import { readFile } from 'node:fs/promises';
import type { Credentials } from './sigv4.js';

/** What a grant lets a key do under a bucket (and key prefix). */
export type BucketAccess = 'read' | 'read-write';

export interface BucketGrant {
  bucket: string;
  /** Object keys starting with this; '' (default) is the whole bucket. */
  prefix?: string;
  access: BucketAccess;
}

/**
 * A key pair and what it may touch. Without `grants` the key may do everything (the single-pair
 * behaviour); with them, only what a grant covers — anything else is 403 AccessDenied.
 */
export interface AccessKey extends Credentials {
  grants?: BucketGrant[];
}

/** Thrown when a keys file cannot be read or has the wrong shape; names the file and entry. */
export class AccessKeysFileError extends Error {
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`S3 keys file ${path}: ${detail}`, options);
    this.name = 'AccessKeysFileError';
  }
}

/**
 * Reads `{"keys":[{"accessKeyId","secretAccessKey","grants":[{"bucket","prefix"?,"access"}]?}]}`.
 * Only these pairs are accepted by a server given the file.
 */
export async function readAccessKeysFile(path: string): Promise<AccessKey[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new AccessKeysFileError(path, (error as Error).message, { cause: error });
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new AccessKeysFileError(path, 'expected {"keys": [ … ]}');
  return keys.map((k: Record<string, unknown>, i) => {
    if (typeof k?.accessKeyId !== 'string' || typeof k.secretAccessKey !== 'string' || !k.accessKeyId) {
      throw new AccessKeysFileError(path, `keys[${i}] needs accessKeyId and secretAccessKey strings`);
    }
    if (k.grants === undefined) return { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey };
    if (!Array.isArray(k.grants)) throw new AccessKeysFileError(path, `keys[${i}].grants must be an array`);
    const grants = k.grants.map((g: Record<string, unknown>, j) => {
      const ok =
        typeof g?.bucket === 'string' &&
        (g.prefix === undefined || typeof g.prefix === 'string') &&
        (g.access === 'read' || g.access === 'read-write');
      if (!ok) {
        throw new AccessKeysFileError(
          path,
          `keys[${i}].grants[${j}] needs bucket, access read|read-write, prefix?`,
        );
      }
      return {
        bucket: g.bucket as string,
        prefix: (g.prefix as string | undefined) ?? '',
        access: g.access as BucketAccess,
      };
    });
    return { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, grants };
  });
}
