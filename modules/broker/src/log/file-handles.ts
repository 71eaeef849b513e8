/**
 * A bounded pool of open segment files. Segments no longer hold file descriptors for their whole
 * life: a file is opened when it is first written or read, stays open while it is used, and the
 * least recently used one is closed when the pool is full — so 600 partitions (1,200+ files)
 * cost at most `max` descriptors, and a burst of topic creation can never exhaust the process's
 * open-files limit (which the Schema Registry in the same process needs too).
 *
 * A file being fsync'ed asynchronously is pinned: it is never closed underneath the fsync (its
 * descriptor number could otherwise be reused by another open). Reopening later is harmless: on
 * Linux, fsync flushes the file's dirty pages whichever descriptor wrote them.
 */
import { closeSync, constants, openSync } from 'node:fs';

/** Read-write, created when missing, never truncated (the log and index are written by position). */
const OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT;

export class PooledFile {
  /** The open descriptor, or -1 while closed. */
  fd = -1;
  /** Asynchronous operations (fsync) using `fd` now. */
  pins = 0;
  /** Closed for good (segment deleted or replaced): any later use is a bug. */
  retired = false;
  /** Neighbours in the pool's recency list (prev = more recently used). */
  prev: PooledFile | null = null;
  next: PooledFile | null = null;

  constructor(
    private readonly pool: FileHandlePool,
    readonly path: string,
  ) {}

  /** The descriptor, opening the file if needed; valid until the next call into the pool. */
  get(): number {
    return this.pool.acquire(this);
  }

  /** The descriptor, kept open until unpin() (for asynchronous use). */
  pin(): number {
    const fd = this.pool.acquire(this);
    this.pins++;
    return fd;
  }

  unpin(): void {
    this.pins--;
    if (this.pins === 0) this.pool.released(this);
  }

  /** Closes the file for good (once no fsync uses it). */
  retire(): void {
    this.retired = true;
    if (this.pins === 0) this.pool.close(this);
  }
}

export class FileHandlePool {
  /** Open files, most recently used first. */
  private head: PooledFile | null = null;
  private tail: PooledFile | null = null;
  private count = 0;
  /** Files opened and closed so far (metrics: reopen churn means the pool is too small). */
  opens = 0;
  closes = 0;

  constructor(readonly max: number) {}

  /** Files open now. */
  get size(): number {
    return this.count;
  }

  file(path: string): PooledFile {
    return new PooledFile(this, path);
  }

  acquire(f: PooledFile): number {
    if (f.fd >= 0) {
      if (this.head !== f) {
        this.unlink(f);
        this.pushFront(f);
      }
      return f.fd;
    }
    if (f.retired) throw new Error(`segment file ${f.path} used after it was closed`);
    this.evictDownTo(this.max - 1);
    f.fd = this.open(f.path);
    this.opens++;
    this.count++;
    this.pushFront(f);
    return f.fd;
  }

  /** Called when the last pin goes: the file may now be closed if it is retired or over budget. */
  released(f: PooledFile): void {
    if (f.retired) this.close(f);
    else if (this.count > this.max) this.evictDownTo(this.max);
  }

  close(f: PooledFile): void {
    if (f.fd < 0) return;
    this.unlink(f);
    this.count--;
    this.closes++;
    const fd = f.fd;
    f.fd = -1;
    closeSync(fd);
  }

  /** Closes every unpinned file (shutdown; tests). */
  closeAll(): void {
    this.evictDownTo(0);
  }

  /** Closes least recently used, unpinned files until at most `target` are open. */
  private evictDownTo(target: number): void {
    let f = this.tail;
    while (this.count > target && f !== null) {
      const prev = f.prev;
      if (f.pins === 0) this.close(f);
      f = prev;
    }
  }

  /**
   * Opens a file; if the process is out of descriptors (EMFILE/ENFILE, e.g. many connections),
   * gives back half of the pool and tries once more before failing.
   */
  private open(path: string): number {
    try {
      return openSync(path, OPEN_FLAGS, 0o644);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'EMFILE' && code !== 'ENFILE') || this.count === 0) throw err;
      this.evictDownTo(Math.floor(this.count / 2));
      return openSync(path, OPEN_FLAGS, 0o644);
    }
  }

  private pushFront(f: PooledFile): void {
    f.prev = null;
    f.next = this.head;
    if (this.head) this.head.prev = f;
    this.head = f;
    if (!this.tail) this.tail = f;
  }

  private unlink(f: PooledFile): void {
    if (f.prev) f.prev.next = f.next;
    else this.head = f.next;
    if (f.next) f.next.prev = f.prev;
    else this.tail = f.prev;
    f.prev = null;
    f.next = null;
  }
}
