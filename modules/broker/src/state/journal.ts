import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { type FileHandle, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * An append-only JSON-lines file of state changes for the coordinators (group offsets, producer
 * ids and transactions). `append` resolves only after the data is on disk (fdatasync); appends
 * that arrive while a sync is running are written and synced together, so many concurrent
 * commits cost one fsync. `compact` replaces the file by a snapshot of the live state (written to
 * a temporary file, synced, then renamed over the journal) so the file does not grow forever.
 */
export class Journal<E> {
  private waiting: { text: string; resolve: () => void; reject: (err: Error) => void }[] = [];
  private pendingSnapshot: { entries: E[]; resolve: () => void; reject: (err: Error) => void } | undefined;
  private flushing = false;
  private closed = false;
  /** Entries in the file now; callers use it to decide when to compact. */
  entryCount: number;

  private constructor(
    private readonly dir: string,
    private readonly path: string,
    private file: FileHandle,
    entryCount: number,
  ) {
    this.entryCount = entryCount;
  }

  /** Opens (or creates) `dir/name`, returning the journal and the entries it held. */
  static async open<E>(
    dir: string,
    name: string,
    log: Logger,
  ): Promise<{ journal: Journal<E>; entries: E[] }> {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    const entries = existsSync(path) ? readEntries<E>(path, log) : [];
    const journal = new Journal<E>(dir, path, await open(path, 'a'), entries.length);
    return { journal, entries };
  }

  append(entries: E[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.path} is closed`));
    if (entries.length === 0) return Promise.resolve();
    const text = entries.map((e) => JSON.stringify(e, bigintReplacer)).join('\n') + '\n';
    return new Promise((resolve, reject) => {
      this.waiting.push({ text, resolve, reject });
      this.entryCount += entries.length;
      void this.flush();
    });
  }

  /** Replaces the journal's content with `entries` (the live state), after pending appends. */
  compact(entries: E[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingSnapshot?.resolve();
      this.pendingSnapshot = { entries, resolve, reject };
      void this.flush();
    });
  }

  async close(): Promise<void> {
    while (this.flushing || this.waiting.length > 0) await new Promise((r) => setTimeout(r, 1));
    this.closed = true;
    await this.file.close();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.waiting.length > 0 || this.pendingSnapshot) {
        const batch = this.waiting;
        this.waiting = [];
        if (batch.length > 0) {
          try {
            await this.file.appendFile(batch.map((b) => b.text).join(''), 'utf8');
            await this.file.datasync();
            for (const b of batch) b.resolve();
          } catch (err) {
            for (const b of batch) b.reject(err as Error);
          }
          continue;
        }
        const snapshot = this.pendingSnapshot!;
        this.pendingSnapshot = undefined;
        try {
          await this.writeSnapshot(snapshot.entries);
          snapshot.resolve();
        } catch (err) {
          snapshot.reject(err as Error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeSnapshot(entries: E[]): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const out = await open(tmp, 'w');
    try {
      await out.writeFile(entries.map((e) => JSON.stringify(e, bigintReplacer) + '\n').join(''), 'utf8');
      await out.sync();
    } finally {
      await out.close();
    }
    await this.file.close();
    await rename(tmp, this.path);
    // The rename itself must be durable before the old file's content can be considered gone.
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    this.file = await open(this.path, 'a');
    this.entryCount = entries.length;
  }
}

/** bigint values are written as {"$big":"123"} and read back by `reviveBigints`. */
function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { $big: value.toString() } : value;
}

function bigintReviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$big' in value) {
    return BigInt((value as { $big: string }).$big);
  }
  return value;
}

/** Reads a journal; a torn last line (a crash during an append never acknowledged) is cut off. */
function readEntries<E>(path: string, log: Logger): E[] {
  const data = readFileSync(path);
  const entries: E[] = [];
  let start = 0;
  while (start < data.length) {
    const end = data.indexOf(0x0a, start);
    if (end < 0) {
      log.warn({ path, byteOffset: start }, 'journal ends in a torn line; truncating it');
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, start);
      closeSync(fd);
      break;
    }
    const line = data.subarray(start, end).toString('utf8');
    try {
      entries.push(JSON.parse(line, bigintReviver) as E);
    } catch (err) {
      throw new Error(`corrupt journal ${path} at byte ${start}: ${(err as Error).message}`);
    }
    start = end + 1;
  }
  return entries;
}
