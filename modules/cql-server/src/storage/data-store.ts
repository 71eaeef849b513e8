import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { compile } from '../engine/compile.js';
import type { Database } from '../engine/database.js';
import type { Mutation } from '../engine/mutation.js';
import { CommitLog } from './commit-log.js';
import { decodeMutations } from './record-codec.js';
import { readRecords } from './record-framing.js';
import { captureSnapshot, writeSnapshot } from './snapshot.js';

export interface DurabilityHooks {
  onSync?: (records: number) => void;
  onSnapshot?: (ok: boolean) => void;
}

export interface DurabilityOptions extends DurabilityHooks {
  /** Take a snapshot (and drop covered log segments) this often if anything was written. */
  snapshotIntervalMs: number;
  /** ... or as soon as this many log bytes accumulated. */
  snapshotBytes: number;
}

const SEGMENT_RE = /^commitlog-(\d+)\.log$/;
const SNAPSHOT_RE = /^snapshot-(\d+)\.bin$/;

function replay(db: Database, mutations: Mutation[], log: Logger, source: string): void {
  for (const m of mutations) {
    if (m.op === 'ddl') {
      try {
        const result = compile(db, m.cql, m.keyspace || undefined).execute(
          [],
          { consistency: 1, pageSize: -1 },
          {
            keyspace: m.keyspace || undefined,
          },
        );
        if (result instanceof Promise) throw new Error('DDL replay unexpectedly asynchronous');
      } catch (err) {
        log.warn(
          { source, cql: m.cql, err: (err as Error).message },
          'schema statement failed during replay',
        );
      }
    } else {
      db.applyData(m);
    }
  }
}

/**
 * The data directory: the newest snapshot plus the commit-log segments written after it. Opening
 * recovers the state; afterwards every write is logged (and fsynced) before it is acknowledged.
 */
export class DataStore {
  private timer: NodeJS.Timeout | undefined;
  private snapshotting: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    private readonly db: Database,
    readonly log: CommitLog,
    private readonly logger: Logger,
    private readonly onSnapshot: ((ok: boolean) => void) | undefined,
  ) {}

  static async open(
    dir: string,
    db: Database,
    logger: Logger,
    options: DurabilityOptions,
  ): Promise<DataStore> {
    await mkdir(dir, { recursive: true });
    const files = await readdir(dir);
    for (const f of files) if (f.endsWith('.tmp')) await rm(join(dir, f), { force: true });
    const snapshots = files
      .map((f) => SNAPSHOT_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => b - a);
    const segments = files
      .map((f) => SEGMENT_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);

    let firstSegment = 0;
    let replayedRecords = 0;
    if (snapshots.length > 0) {
      const file = join(dir, `snapshot-${String(snapshots[0]).padStart(8, '0')}.bin`);
      const { records, validBytes } = readRecords(await readFile(file));
      const header = JSON.parse(records[0]?.toString('utf8') ?? '{}') as { segment?: number };
      if (header.segment === undefined) throw new Error(`Corrupt snapshot ${file}: missing header`);
      firstSegment = header.segment;
      for (const r of records.slice(1)) replay(db, decodeMutations(r), logger, file);
      logger.info({ file, records: records.length, bytes: validBytes }, 'snapshot loaded');
    }
    for (const n of segments) {
      if (n < firstSegment) continue;
      const file = join(dir, `commitlog-${String(n).padStart(8, '0')}.log`);
      const buf = await readFile(file);
      const { records, validBytes } = readRecords(buf);
      if (validBytes < buf.length) {
        // A write that was cut by a crash was never acknowledged; its bytes are ignored.
        logger.warn({ file, validBytes, size: buf.length }, 'commit log ends with a torn record; ignored');
      }
      for (const r of records) replay(db, decodeMutations(r), logger, file);
      replayedRecords += records.length;
    }
    const nextSegment = Math.max(firstSegment, (segments.at(-1) ?? 0) + 1);
    const log = await CommitLog.open(dir, nextSegment);
    log.onSync = options.onSync;
    const store = new DataStore(dir, db, log, logger, options.onSnapshot);
    db.sink = {
      append: (mutations) => {
        const p = log.append(mutations);
        if (log.bytesSinceSnapshot >= options.snapshotBytes) store.requestSnapshot();
        return p;
      },
    };
    logger.info({ dir, replayedRecords, segment: nextSegment }, 'data directory opened');
    if (replayedRecords > 0) store.requestSnapshot();
    store.timer = setInterval(() => {
      if (log.bytesSinceSnapshot > 0) store.requestSnapshot();
    }, options.snapshotIntervalMs);
    store.timer.unref();
    return store;
  }

  /** Starts a snapshot unless one is running; resolves when it is on disk. */
  requestSnapshot(): Promise<void> {
    if (this.snapshotting) return this.snapshotting;
    this.snapshotting = new Promise<void>((resolve) => {
      this.log.requestRotation((nextSegment) => {
        let records: Buffer[];
        try {
          records = captureSnapshot(this.db, nextSegment);
        } catch (err) {
          // Without a snapshot the old segments simply stay and are replayed; nothing is lost.
          this.logger.error({ err, dir: this.dir }, 'snapshot capture failed; keeping the commit log');
          this.onSnapshot?.(false);
          this.snapshotting = undefined;
          resolve();
          return;
        }
        writeSnapshot(this.dir, nextSegment, records)
          .then(() => this.dropCovered(nextSegment))
          .then(
            () => this.onSnapshot?.(true),
            (err: unknown) => {
              this.onSnapshot?.(false);
              this.logger.error({ err, dir: this.dir }, 'snapshot failed; keeping the commit log');
            },
          )
          .finally(() => {
            this.snapshotting = undefined;
            resolve();
          });
      });
    });
    return this.snapshotting;
  }

  private async dropCovered(segment: number): Promise<void> {
    for (const f of await readdir(this.dir)) {
      const seg = SEGMENT_RE.exec(f);
      const snap = SNAPSHOT_RE.exec(f);
      if ((seg && Number(seg[1]) < segment) || (snap && Number(snap[1]) < segment)) {
        await rm(join(this.dir, f), { force: true });
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.snapshotting) await this.snapshotting;
    await this.requestSnapshot();
    await this.log.close();
    this.db.sink = null;
  }
}
