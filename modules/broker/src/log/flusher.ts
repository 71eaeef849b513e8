/**
 * Group commit for every partition of the broker. Appends mark their partition dirty; on the
 * next event-loop turn all pending batches are written (one writev per segment), and — under the
 * `fsync` policy — one fsync round covers every segment touched since the previous round. While a
 * round runs, new appends accumulate and share the next one, so the number of fsyncs per second
 * stays bounded by disk latency rather than by the request rate. Writing moves a partition's high
 * watermark (consumers see written data); the fsync round moves its durable offset (acks=-1 and
 * transaction markers wait for it). fdatasync is used: it makes the
 * data and the file size durable (all a reader needs) without also flushing timestamps.
 */
import { fdatasync } from 'node:fs';
import type { FsyncPolicy } from '../config.js';
import type { PartitionLog } from './partition-log.js';
import type { PooledFile } from './file-handles.js';
import type { Segment } from './segment.js';

export class Flusher {
  private readonly dirty = new Set<PartitionLog>();
  private readonly toSync = new Set<Segment>();
  /** Segments no longer active whose index must be fsync'ed once. */
  private readonly rolled = new Set<Segment>();
  private readonly waitingDurable = new Map<PartitionLog, number>();
  private scheduled = false;
  private syncing = false;
  private syncAgain = false;
  /** fsync calls in flight (idle() waits for them too). */
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly fsyncQueue: { s: Segment; file: PooledFile; then: () => void }[] = [];
  private fsyncsRunning = 0;

  constructor(
    private readonly policy: FsyncPolicy,
    private readonly maxConcurrentFsyncs: number,
    private readonly onHighWatermark: (p: PartitionLog) => void,
    private readonly onFsync: () => void,
    private readonly onError: (err: unknown, what: string) => void,
  ) {}

  markDirty(p: PartitionLog): void {
    this.dirty.add(p);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.writeRound());
    }
  }

  markRolled(seg: Segment): void {
    this.rolled.add(seg);
  }

  private writeRound(): void {
    this.scheduled = false;
    for (const p of this.dirty) {
      if (p.deleted) continue;
      try {
        for (const seg of p.writePending()) this.toSync.add(seg);
      } catch (err) {
        this.onError(err, `writing ${p.where}`);
        continue;
      }
      // writePending moved the high watermark: wake the long-polling fetches now, under both
      // policies (acks=1 is answered after the write, and what is acknowledged is readable).
      this.onHighWatermark(p);
      if (this.policy === 'write') p.advanceDurable(p.writtenOffset);
      else this.waitingDurable.set(p, p.writtenOffset);
    }
    this.dirty.clear();
    if (this.policy === 'fsync') {
      this.sync();
      return;
    }
    // Under `write`, only rolled segments are fsync'ed (their index is trusted on restart).
    this.toSync.clear();
    const segs = [...this.rolled];
    this.rolled.clear();
    this.fsyncAll(segs, () => {
      for (const s of segs) this.fsyncIndex(s);
      this.settle();
    });
  }

  private sync(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    if (this.toSync.size === 0 && this.waitingDurable.size === 0) {
      this.settle();
      return;
    }
    this.syncing = true;
    const segs = [...this.toSync];
    this.toSync.clear();
    const rolled = [...this.rolled].filter((s) => segs.includes(s) || !s.dirtySinceSync);
    for (const s of rolled) this.rolled.delete(s);
    const targets = new Map(this.waitingDurable);
    this.waitingDurable.clear();
    for (const s of segs) s.dirtySinceSync = false;
    this.fsyncAll(segs, () => {
      for (const s of rolled) this.fsyncIndex(s);
      for (const [p, offset] of targets) {
        if (!p.deleted) p.advanceDurable(offset);
      }
      this.syncing = false;
      if (this.syncAgain || this.toSync.size > 0) {
        this.syncAgain = false;
        this.sync();
      } else this.settle();
    });
  }

  private fsyncAll(segs: Segment[], done: () => void): void {
    let left = segs.length;
    if (left === 0) {
      done();
      return;
    }
    for (const s of segs) {
      this.fsync(s, s.log, () => {
        if (--left === 0) done();
      });
    }
  }

  private fsyncIndex(s: Segment): void {
    this.fsync(s, s.index, () => this.settle());
  }

  /**
   * Queues an fdatasync of one segment file. At most `maxConcurrentFsyncs` run at once (libuv has
   * 4 threads anyway): each pins its file open, and the pins must stay well below the file pool's
   * limit however many segments one round touches.
   */
  private fsync(s: Segment, file: PooledFile, then: () => void): void {
    s.syncing++;
    this.inFlight++;
    this.fsyncQueue.push({ s, file, then });
    this.startFsyncs();
  }

  private startFsyncs(): void {
    while (this.fsyncsRunning < this.maxConcurrentFsyncs && this.fsyncQueue.length > 0) {
      const { s, file, then } = this.fsyncQueue.shift()!;
      let fd: number;
      try {
        fd = file.pin();
      } catch (err) {
        this.fsyncDone(s, err, file, then);
        continue;
      }
      this.fsyncsRunning++;
      this.onFsync();
      fdatasync(fd, (err) => {
        this.fsyncsRunning--;
        file.unpin();
        this.fsyncDone(s, err, file, then);
        this.startFsyncs();
      });
    }
  }

  private fsyncDone(s: Segment, err: unknown, file: PooledFile, then: () => void): void {
    s.syncing--;
    this.inFlight--;
    if (err) this.onError(err, `fsync ${file.path}`);
    then();
  }

  private settle(): void {
    if (this.scheduled || this.syncing || this.inFlight > 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  /** Resolves when every append so far is written (and fsync'ed under `fsync`). */
  idle(): Promise<void> {
    if (!this.scheduled && !this.syncing && this.inFlight === 0 && this.dirty.size === 0)
      return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
