import { type FileHandle, open, rename, unlink } from 'node:fs/promises';

/** A file being written in the data directory's tmp/; moved into place only once complete and fsynced. */
export class TempFile {
  private closed = false;
  bytes = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly fsync: boolean,
  ) {}

  static async create(path: string, fsync: boolean): Promise<TempFile> {
    return new TempFile(path, await open(path, 'wx'), fsync);
  }

  /** An existing file (e.g. a hard link to data being imported) treated as a finished write. */
  static async adopt(path: string, fsync: boolean): Promise<TempFile> {
    const file = new TempFile(path, await open(path, 'r+'), fsync);
    file.bytes = (await file.handle.stat()).size;
    return file;
  }

  async write(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset);
      offset += bytesWritten;
    }
    this.bytes += chunk.length;
  }

  /** fsync (unless disabled) and close: after this the bytes survive a crash once the file is renamed into place. */
  async finish(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.fsync) await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  async moveTo(path: string): Promise<void> {
    await this.finish();
    await rename(this.path, path);
  }

  /** Drops an unfinished or rejected write. */
  async discard(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await unlink(this.path).catch(() => undefined);
  }
}
