import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { MutationSink } from '../engine/database.js';
import type { Mutation } from '../engine/mutation.js';
import { fsyncDir } from './fsync-dir.js';
import { encodeMutations } from './record-codec.js';
import { frameRecord } from './record-framing.js';

export function segmentName(n: number): string {
  return `commitlog-${String(n).padStart(8, '0')}.log`;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Append-only log of mutation records with group commit: records appended while an fsync is in
 * flight are written and synced together by the next round, and every append's promise resolves
 * only after the fsync that covers it. Callers acknowledge the client only then.
 */
export class CommitLog implements MutationSink {
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private fh: FileHandle;
  bytesSinceSnapshot = 0;
  /** Called after each fsync with the number of records it made durable. */
  onSync: ((records: number) => void) | undefined;

  private constructor(
    private readonly dir: string,
    public segment: number,
    fh: FileHandle,
  ) {
    this.fh = fh;
  }

  static async open(dir: string, segment: number): Promise<CommitLog> {
    const fh = await open(join(dir, segmentName(segment)), 'a');
    await fsyncDir(dir);
    return new CommitLog(dir, segment, fh);
  }

  append(mutations: readonly Mutation[]): Promise<void> {
    const rec = frameRecord(encodeMutations(mutations));
    this.pending.push(rec);
    this.bytesSinceSnapshot += rec.length;
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing) this.flushing = this.flushLoop();
    return p;
  }

  /** Resolves when everything appended so far is durable. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /**
   * Asks for a segment switch at the next flush round: `capture` runs synchronously at that
   * instant, so the state it captures covers exactly the records of the old segments.
   */
  requestRotation(capture: (nextSegment: number) => void): void {
    this.rotation = capture;
    if (!this.flushing) this.flushing = this.flushLoop();
  }

  private rotation: ((nextSegment: number) => void) | undefined;

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0 || this.rotation) {
        const rotation = this.rotation;
        this.rotation = undefined;
        // Capture and take the pending batch in the same synchronous step: everything in the
        // captured state goes to the old segment, everything after it to the new one.
        if (rotation) rotation(this.segment + 1);
        const batch = this.pending.length > 0 ? Buffer.concat(this.pending) : undefined;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          if (batch) {
            await this.fh.write(batch);
            await this.fh.datasync();
            this.onSync?.(waiters.length);
          }
          for (const w of waiters) w.resolve();
        } catch (err) {
          for (const w of waiters) w.reject(err as Error);
        }
        if (rotation) await this.switchSegment();
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async switchSegment(): Promise<void> {
    const next = await open(join(this.dir, segmentName(this.segment + 1)), 'a');
    await fsyncDir(this.dir);
    await this.fh.close();
    this.fh = next;
    this.segment += 1;
    this.bytesSinceSnapshot = 0;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.fh.close();
  }
}
