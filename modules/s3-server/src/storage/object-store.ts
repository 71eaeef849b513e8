import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '../errors.js';
import { type Durability, nonce } from './fs-durable.js';
import { KeyIndex, type ObjectMeta } from './key-index.js';
import { KeyedMutex } from './keyed-mutex.js';
import { TempFile } from './temp-file.js';

/** Preconditions of a write, checked atomically with its commit. */
export interface WriteCondition {
  /** `*`: only create. */
  ifNoneMatch?: string;
  /** Only replace an object whose ETag is one of these (or any object for `*`). */
  ifMatch?: string;
}

interface BucketState {
  name: string;
  created: string;
  dir: string;
  index: KeyIndex<ObjectMeta>;
}

/**
 * Objects on disk, under paths that never derive from the key's text:
 *
 *   <dataDir>/_buckets/<bucket>/bucket.json                      creation date
 *   <dataDir>/_buckets/<bucket>/objects/<h[0..2]>/<h>.json         metadata, incl. the key (the commit point)
 *   <dataDir>/_buckets/<bucket>/objects/<h[0..2]>/<h>.<n>.data     the bytes (h = sha256 of the key, n a nonce)
 *   <dataDir>/_tmp/                                                 writes in progress; emptied at start
 *
 * (`_` cannot start a bucket name, so these never collide with s3rver's `<dataDir>/<bucket>/` layout,
 * which `migrateS3rverLayout` imports.) A write goes to _tmp/, is fsynced, renamed beside the metadata under a fresh name, and becomes
 * visible when the new metadata file is renamed over the old one (then the directory is fsynced and
 * the old bytes unlinked). A crash at any point leaves either the old object or the new one; data
 * files no metadata names are removed at the next start. The metadata of every object is loaded
 * into memory at start (listings, HEAD and preconditions read no files).
 */
export class ObjectStore {
  private readonly buckets = new Map<string, BucketState>();
  private readonly locks = new KeyedMutex();
  readonly tmpDir: string;
  private readonly bucketsDir: string;

  private constructor(
    readonly dataDir: string,
    readonly disk: Durability,
  ) {
    this.tmpDir = join(dataDir, '_tmp');
    this.bucketsDir = join(dataDir, '_buckets');
  }

  /** Opens (creating) the data directory and loads every bucket's metadata. */
  static async open(dataDir: string, disk: Durability): Promise<ObjectStore> {
    const store = new ObjectStore(dataDir, disk);
    await mkdir(store.bucketsDir, { recursive: true });
    await rm(store.tmpDir, { recursive: true, force: true });
    await mkdir(store.tmpDir, { recursive: true });
    for (const entry of await readdir(store.bucketsDir, { withFileTypes: true })) {
      if (entry.isDirectory()) await store.loadBucket(entry.name);
    }
    return store;
  }

  private async loadBucket(name: string): Promise<void> {
    const dir = join(this.bucketsDir, name);
    let created: string;
    try {
      created = (JSON.parse(await readFile(join(dir, 'bucket.json'), 'utf8')) as { created: string }).created;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return; // a bucket whose creation did not finish
    }
    const metas: ObjectMeta[] = [];
    const objectsDir = join(dir, 'objects');
    await mkdir(objectsDir, { recursive: true });
    // Synchronous reads: this runs once, before the server listens, and one small file at a time is
    // several times faster than queueing 100,000 reads on libuv's thread pool.
    for (const shard of readdirSync(objectsDir)) {
      const shardDir = join(objectsDir, shard);
      const files = readdirSync(shardDir);
      const referenced = new Set<string>();
      for (const f of files) {
        if (!f.endsWith('.json')) continue;
        let meta: ObjectMeta;
        try {
          meta = JSON.parse(readFileSync(join(shardDir, f), 'utf8')) as ObjectMeta;
        } catch (error) {
          throw new Error(`unreadable object metadata ${join(shardDir, f)}: ${(error as Error).message}`);
        }
        referenced.add(meta.dataFile);
        metas.push(meta);
      }
      // Bytes of writes that crashed before their commit, or replaced objects not yet unlinked.
      for (const f of files) {
        if (f.endsWith('.data') && !referenced.has(f)) await unlink(join(shardDir, f));
      }
    }
    this.buckets.set(name, { name, created, dir, index: KeyIndex.of(metas) });
  }

  bucketNames(): { name: string; created: string }[] {
    return [...this.buckets.values()]
      .map(({ name, created }) => ({ name, created }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  /** The bucket's index; NoSuchBucket when absent. */
  index(bucket: string): KeyIndex<ObjectMeta> {
    return this.bucket(bucket).index;
  }

  private bucket(name: string): BucketState {
    const state = this.buckets.get(name);
    if (!state)
      throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: name });
    return state;
  }

  /** Creates the bucket; false when it already existed. */
  async createBucket(name: string): Promise<boolean> {
    return this.locks.run(`bucket:${name}`, async () => {
      if (this.buckets.has(name)) return false;
      const dir = join(this.bucketsDir, name);
      await mkdir(join(dir, 'objects'), { recursive: true });
      const created = new Date().toISOString();
      await this.disk.writeFileAtomic(
        join(dir, 'bucket.json'),
        JSON.stringify({ created }),
        join(this.tmpDir, `bucket-${nonce()}`),
      );
      await this.disk.syncDir(dir);
      await this.disk.syncDir(this.bucketsDir);
      this.buckets.set(name, { name, created, dir, index: new KeyIndex() });
      return true;
    });
  }

  async deleteBucket(name: string): Promise<void> {
    await this.locks.run(`bucket:${name}`, async () => {
      const state = this.bucket(name);
      if (state.index.size > 0) {
        throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', {
          BucketName: name,
        });
      }
      this.buckets.delete(name);
      const doomed = join(this.tmpDir, `deleted-bucket-${nonce()}`);
      await rename(state.dir, doomed);
      await this.disk.syncDir(this.bucketsDir);
      await rm(doomed, { recursive: true, force: true });
    });
  }

  head(bucket: string, key: string): ObjectMeta | undefined {
    return this.bucket(bucket).index.get(key);
  }

  /** A fresh temporary file in the data directory (same file system as the objects, so renames work). */
  async tempFile(): Promise<TempFile> {
    return TempFile.create(join(this.tmpDir, nonce()), this.disk.fsync);
  }

  /**
   * Opens the bytes of an object. The handle stays valid when the object is replaced or deleted
   * meanwhile (the file is unlinked, not truncated).
   */
  async openObject(bucket: string, key: string): Promise<{ meta: ObjectMeta; handle: FileHandle }> {
    const state = this.bucket(bucket);
    for (let attempt = 0; ; attempt++) {
      const meta = state.index.get(key);
      if (!meta) throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
      try {
        return { meta, handle: await open(join(this.shardDir(state, key), meta.dataFile), 'r') };
      } catch (error) {
        // Replaced between the lookup and the open: look again.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  /**
   * Makes the (written, fsynced, closed) temporary file the object's bytes, atomically: readers see
   * the old object or the new one, a crash leaves one of them. Checks `condition` under the key's lock.
   */
  async commit(
    bucket: string,
    temp: TempFile,
    meta: Omit<ObjectMeta, 'dataFile' | 'lastModified'> & { lastModified?: string },
    condition: WriteCondition = {},
  ): Promise<ObjectMeta> {
    const state = this.bucket(bucket);
    return this.locks.run(`object:${bucket}/${meta.key}`, async () => {
      checkWriteCondition(state.index.get(meta.key), condition, meta.key);
      const hash = keyHash(meta.key);
      const dir = this.shardDir(state, meta.key);
      await mkdir(dir, { recursive: true });
      const stored: ObjectMeta = {
        ...meta,
        lastModified: meta.lastModified ?? new Date().toISOString(),
        dataFile: `${hash}.${nonce()}.data`,
      };
      await temp.moveTo(join(dir, stored.dataFile));
      await this.disk.writeFileAtomic(
        join(dir, `${hash}.json`),
        JSON.stringify(stored),
        join(this.tmpDir, `${nonce()}.json`),
      );
      await this.disk.syncDir(dir);
      const previous = state.index.get(meta.key);
      state.index.set(stored);
      if (previous) await unlink(join(dir, previous.dataFile)).catch(ignoreMissing);
      return stored;
    });
  }

  /** Deletes the object; deleting a missing key is not an error (as in S3). */
  async deleteObject(bucket: string, key: string): Promise<void> {
    const state = this.bucket(bucket);
    await this.locks.run(`object:${bucket}/${key}`, async () => {
      const previous = state.index.get(key);
      if (!previous) return;
      const dir = this.shardDir(state, key);
      await unlink(join(dir, `${keyHash(key)}.json`));
      await this.disk.syncDir(dir);
      state.index.delete(key);
      await unlink(join(dir, previous.dataFile)).catch(ignoreMissing);
    });
  }

  private shardDir(state: BucketState, key: string): string {
    return join(state.dir, 'objects', keyHash(key).slice(0, 2));
  }
}

function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

/** S3 semantics: If-None-Match `*` fails on an existing object; If-Match on a missing one is NoSuchKey. */
export function checkWriteCondition(
  current: ObjectMeta | undefined,
  condition: WriteCondition,
  key: string,
): void {
  if (condition.ifNoneMatch !== undefined) {
    if (condition.ifNoneMatch.trim() !== '*') {
      throw new S3Error('NotImplemented', 'If-None-Match on writes supports only *', {
        Header: 'If-None-Match',
      });
    }
    if (current) {
      throw new S3Error(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        {
          Condition: 'If-None-Match',
        },
      );
    }
  }
  if (condition.ifMatch !== undefined) {
    if (!current) throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
    if (!etagMatches(condition.ifMatch, current.etag)) {
      throw new S3Error(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        {
          Condition: 'If-Match',
        },
      );
    }
  }
}

/** Whether an If-Match / If-None-Match header value (a list of ETags, or `*`) names `etag`. */
export function etagMatches(header: string, etag: string): boolean {
  return header.split(',').some((item) => {
    const tag = item.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag || `"${tag}"` === etag;
  });
}
