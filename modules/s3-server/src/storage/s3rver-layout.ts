import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { nonce } from './fs-durable.js';
import { STORED_HEADERS } from './key-index.js';
import type { ObjectStore } from './object-store.js';
import { TempFile } from './temp-file.js';

const OBJECT_SUFFIX = '._S3rver_object';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Imports data directories written by s3rver (the S3 server before this one): `<dataDir>/<bucket>/`
 * holding each object as `<key>._S3rver_object` with `._S3rver_metadata.json` and `.md5` beside it.
 * Each object is hard-linked (copied when linking is impossible) into a temporary file and committed
 * like a PUT, keeping its ETag and Last-Modified; only when the whole bucket is committed is the old
 * directory removed. A crash midway leaves the old directory, and the next start imports it again.
 * Multipart uploads in progress under s3rver are dropped (their clients retry).
 *
 * Only a directory holding s3rver's files and nothing else is taken for an s3rver bucket: any other
 * directory (say the data directory is a parent of other servers' data) is left untouched and named
 * in `skipped`.
 */
export async function migrateS3rverLayout(
  dataDir: string,
  store: ObjectStore,
): Promise<{ imported: Record<string, number>; skipped: string[] }> {
  const imported: Record<string, number> = {};
  const skipped: string[] = [];
  for (const entry of await readdir(dataDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !BUCKET_NAME.test(entry.name)) continue;
    const bucketDir = join(dataDir, entry.name);
    const files = await filesUnder(bucketDir, '');
    if (files.length === 0) continue;
    if (!files.every((f) => S3RVER_FILE.test(f))) {
      if (files.some((f) => S3RVER_FILE.test(f))) skipped.push(bucketDir);
      continue;
    }
    await store.createBucket(entry.name);
    let count = 0;
    for (const file of files) {
      if (!file.endsWith(OBJECT_SUFFIX) || file.startsWith('._S3rver_uploads/')) continue;
      await importObject(store, entry.name, bucketDir, file.slice(0, -OBJECT_SUFFIX.length));
      count++;
    }
    const doomed = join(store.tmpDir, `s3rver-${entry.name}-${nonce()}`);
    await rename(bucketDir, doomed);
    await store.disk.syncDir(dataDir);
    await rm(doomed, { recursive: true, force: true });
    imported[entry.name] = count;
  }
  return { imported, skipped };
}

/** s3rver's files: objects, their md5 and metadata, and whatever sits in its uploads directory. */
const S3RVER_FILE = /(\._S3rver_object|\._S3rver_object\.md5|\._S3rver_metadata\.json)$|^\._S3rver_uploads\//;

/** Every file under `dir/relative`, `/`-separated and relative to `dir`. */
async function filesUnder(dir: string, relative: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, relative), { withFileTypes: true })) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, path)));
    else out.push(path);
  }
  return out;
}

async function importObject(
  store: ObjectStore,
  bucket: string,
  bucketDir: string,
  key: string,
): Promise<void> {
  const objectPath = join(bucketDir, `${key}${OBJECT_SUFFIX}`);
  const stored = await readOptional(join(bucketDir, `${key}._S3rver_metadata.json`));
  const metadata = stored ? (JSON.parse(stored) as Record<string, string>) : {};
  const md5 = (await readOptional(`${objectPath}.md5`))?.trim() || (await md5Of(objectPath));
  const tempPath = join(store.tmpDir, nonce());
  try {
    await link(objectPath, tempPath);
  } catch {
    await copyFile(objectPath, tempPath); // a file system without hard links
  }
  const adopted = await TempFile.adopt(tempPath, store.disk.fsync);
  const headers: Record<string, string> = {};
  const userMetadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (STORED_HEADERS.includes(name)) headers[name] = value;
    else if (name.startsWith('x-amz-meta-')) userMetadata[name] = value;
  }
  await store.commit(bucket, adopted, {
    key,
    size: adopted.bytes,
    etag: `"${md5}"`,
    headers,
    userMetadata,
    checksums: {},
    lastModified: (await stat(objectPath)).mtime.toISOString(),
  });
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function md5Of(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
