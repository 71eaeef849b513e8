import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '../errors.js';
import { nonce } from './fs-durable.js';
import type { ObjectMeta } from './key-index.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { ObjectStore, WriteCondition } from './object-store.js';
import type { TempFile } from './temp-file.js';

/** AWS rules: every part but the last is at least 5 MiB; part numbers 1–10,000. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;

export interface UploadInfo {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string;
  headers: Record<string, string>;
  userMetadata: Record<string, string>;
}

export interface PartInfo {
  partNumber: number;
  /** Quoted md5 of the part. */
  etag: string;
  size: number;
  lastModified: string;
  file: string;
}

/**
 * Multipart uploads in progress, one directory each, surviving restarts:
 *
 *   <dataDir>/_uploads/<uploadId>/upload.json              bucket, key, headers of the future object
 *   <dataDir>/_uploads/<uploadId>/part-<n>.json            the committed part n (ETag, size, file)
 *   <dataDir>/_uploads/<uploadId>/part-<n>.<nonce>.data    its bytes
 *
 * Completing concatenates the listed parts into a temporary file that is committed like a PUT.
 */
export class MultipartStore {
  private readonly uploads = new Map<string, UploadInfo>();
  private readonly locks = new KeyedMutex();

  private constructor(
    private readonly dir: string,
    private readonly objects: ObjectStore,
  ) {}

  static async open(dataDir: string, objects: ObjectStore): Promise<MultipartStore> {
    const store = new MultipartStore(join(dataDir, '_uploads'), objects);
    await mkdir(store.dir, { recursive: true });
    for (const id of await readdir(store.dir)) {
      try {
        const info = JSON.parse(await readFile(join(store.dir, id, 'upload.json'), 'utf8')) as UploadInfo;
        store.uploads.set(id, info);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await rm(join(store.dir, id), { recursive: true, force: true }); // creation never finished
      }
    }
    return store;
  }

  async create(
    bucket: string,
    key: string,
    headers: UploadInfo['headers'],
    userMetadata: UploadInfo['userMetadata'],
  ) {
    const info: UploadInfo = {
      uploadId: randomBytes(16).toString('hex'),
      bucket,
      key,
      initiated: new Date().toISOString(),
      headers,
      userMetadata,
    };
    const dir = join(this.dir, info.uploadId);
    await mkdir(dir);
    await this.objects.disk.writeFileAtomic(
      join(dir, 'upload.json'),
      JSON.stringify(info),
      join(dir, 'upload.json.tmp'),
    );
    await this.objects.disk.syncDir(dir);
    await this.objects.disk.syncDir(this.dir);
    this.uploads.set(info.uploadId, info);
    return info;
  }

  /** The upload `uploadId` of this bucket and key; NoSuchUpload otherwise. */
  get(uploadId: string, bucket: string, key: string): UploadInfo {
    const info = this.uploads.get(uploadId);
    if (!info || info.bucket !== bucket || info.key !== key) {
      throw new S3Error(
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        { UploadId: uploadId },
      );
    }
    return info;
  }

  list(bucket: string): UploadInfo[] {
    return [...this.uploads.values()].filter((u) => u.bucket === bucket);
  }

  async putPart(upload: UploadInfo, partNumber: number, temp: TempFile, md5Hex: string): Promise<PartInfo> {
    return this.locks.run(upload.uploadId, async () => {
      this.get(upload.uploadId, upload.bucket, upload.key); // aborted meanwhile?
      const dir = join(this.dir, upload.uploadId);
      const part: PartInfo = {
        partNumber,
        etag: `"${md5Hex}"`,
        size: temp.bytes,
        lastModified: new Date().toISOString(),
        file: `part-${partNumber}.${nonce()}.data`,
      };
      const previous = await this.readPart(dir, partNumber);
      await temp.moveTo(join(dir, part.file));
      await this.objects.disk.writeFileAtomic(
        join(dir, `part-${partNumber}.json`),
        JSON.stringify(part),
        join(dir, `${part.file}.tmp`),
      );
      await this.objects.disk.syncDir(dir);
      if (previous) await unlink(join(dir, previous.file)).catch(() => undefined);
      return part;
    });
  }

  private async readPart(dir: string, partNumber: number): Promise<PartInfo | undefined> {
    try {
      return JSON.parse(await readFile(join(dir, `part-${partNumber}.json`), 'utf8')) as PartInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** The committed parts, by part number. */
  async parts(upload: UploadInfo): Promise<PartInfo[]> {
    const dir = join(this.dir, upload.uploadId);
    const names = (await readdir(dir)).filter((f) => /^part-\d+\.json$/.test(f));
    const parts = await Promise.all(names.map((f) => readFile(join(dir, f), 'utf8')));
    return parts.map((text) => JSON.parse(text) as PartInfo).sort((a, b) => a.partNumber - b.partNumber);
  }

  /** Validates the client's part list against AWS's rules, assembles the object and commits it. */
  async complete(
    upload: UploadInfo,
    requested: { partNumber: number; etag: string }[],
    condition: WriteCondition,
  ): Promise<ObjectMeta> {
    return this.locks.run(upload.uploadId, async () => {
      this.get(upload.uploadId, upload.bucket, upload.key);
      if (requested.length === 0) {
        throw new S3Error('MalformedXML', 'You must specify at least one part');
      }
      const stored = new Map((await this.parts(upload)).map((p) => [p.partNumber, p]));
      const chosen: PartInfo[] = [];
      for (const [i, want] of requested.entries()) {
        if (i > 0 && want.partNumber <= requested[i - 1].partNumber) {
          throw new S3Error(
            'InvalidPartOrder',
            'The list of parts was not in ascending order. Parts must be ordered by part number.',
            {
              UploadId: upload.uploadId,
            },
          );
        }
        const part = stored.get(want.partNumber);
        if (!part || !sameEtag(part.etag, want.etag)) {
          throw new S3Error(
            'InvalidPart',
            "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            { UploadId: upload.uploadId, PartNumber: String(want.partNumber), ETag: want.etag },
          );
        }
        chosen.push(part);
      }
      for (const [i, part] of chosen.entries()) {
        if (i < chosen.length - 1 && part.size < MIN_PART_BYTES) {
          throw new S3Error(
            'EntityTooSmall',
            'Your proposed upload is smaller than the minimum allowed object size.',
            {
              ProposedSize: String(part.size),
              MinSizeAllowed: String(MIN_PART_BYTES),
              PartNumber: String(part.partNumber),
              ETag: part.etag,
            },
          );
        }
      }
      const dir = join(this.dir, upload.uploadId);
      const temp = await this.objects.tempFile();
      const etagHash = createHash('md5');
      try {
        for (const part of chosen) {
          for await (const chunk of createReadStream(join(dir, part.file), { highWaterMark: 1 << 20 })) {
            await temp.write(chunk as Buffer);
          }
          etagHash.update(Buffer.from(part.etag.slice(1, -1), 'hex'));
        }
        const meta = await this.objects.commit(
          upload.bucket,
          temp,
          {
            key: upload.key,
            size: temp.bytes,
            etag: `"${etagHash.digest('hex')}-${chosen.length}"`,
            headers: upload.headers,
            userMetadata: upload.userMetadata,
            checksums: {},
          },
          condition,
        );
        await this.remove(upload.uploadId);
        return meta;
      } catch (error) {
        await temp.discard();
        throw error;
      }
    });
  }

  async abort(upload: UploadInfo): Promise<void> {
    await this.locks.run(upload.uploadId, async () => {
      this.get(upload.uploadId, upload.bucket, upload.key);
      await this.remove(upload.uploadId);
    });
  }

  private async remove(uploadId: string): Promise<void> {
    this.uploads.delete(uploadId);
    const doomed = join(this.objects.tmpDir, `upload-${uploadId}`);
    await rename(join(this.dir, uploadId), doomed);
    await this.objects.disk.syncDir(this.dir);
    await rm(doomed, { recursive: true, force: true });
  }
}

function sameEtag(stored: string, given: string): boolean {
  const bare = (tag: string) => tag.trim().replace(/^"|"$/g, '').toLowerCase();
  return bare(stored) === bare(given);
}
