import { bytesId } from '../bytes.js';

interface Change {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** Changes of one sorted map (the key-value store, or one time segment). */
type MapChanges = Map<string, Change>;

/** Changes to write in one persist: per map (KV_MAP or a segment id), and dropped segments. */
class Batch {
  readonly maps = new Map<number, MapChanges>();
  readonly dropped = new Set<number>();

  get empty(): boolean {
    return this.maps.size === 0 && this.dropped.size === 0;
  }

  change(mapId: number, key: Buffer, value: Buffer | null): void {
    let changes = this.maps.get(mapId);
    if (!changes) {
      changes = new Map();
      this.maps.set(mapId, changes);
    }
    changes.set(bytesId(key), { key, value });
  }

  drop(mapId: number): void {
    this.maps.delete(mapId);
    this.dropped.add(mapId);
  }

  /** Adds `older` under this batch: this batch's changes win. */
  absorbOlder(older: Batch): void {
    for (const id of older.dropped) if (!this.maps.has(id)) this.dropped.add(id);
    for (const [id, changes] of older.maps) {
      if (this.dropped.has(id)) continue;
      const mine = this.maps.get(id);
      if (!mine) this.maps.set(id, changes);
      else for (const [k, c] of changes) if (!mine.has(k)) mine.set(k, c);
    }
  }

  /** Moves `newer` on top of this batch: its changes win. */
  absorbNewer(newer: Batch): void {
    for (const id of newer.dropped) this.drop(id);
    for (const [id, changes] of newer.maps) {
      const mine = this.maps.get(id);
      if (!mine) this.maps.set(id, changes);
      else for (const [k, c] of changes) mine.set(k, c);
    }
  }
}

/** Map id of the key-value store's single map. */
export const KV_MAP = -1;

/**
 * The write-behind buffer of a Redis store. Writes accumulate in `pending` (last write per key
 * wins). `flush()` — called with the task's commit, before the changelog is committed — seals
 * them into `sealed`; `persist` writes only sealed changes, so Redis never gets writes newer than
 * the changelog offset it checkpoints with them (exactly-once safe: persist runs after the
 * transaction commits). A failed persist puts its batch back under anything sealed since.
 */
export class RedisWriteBuffer {
  private pending = new Batch();
  private sealed = new Batch();

  changed(mapId: number, key: Buffer, value: Buffer | null): void {
    this.pending.change(mapId, key, value);
  }

  dropped(mapId: number): void {
    this.pending.drop(mapId);
    // Sealed writes to an expired segment need not reach Redis either.
    this.sealed.maps.delete(mapId);
  }

  seal(): void {
    if (this.pending.empty) return;
    this.sealed.absorbNewer(this.pending);
    this.pending = new Batch();
  }

  /** Takes the sealed batch for one persist; give it back with `restore` if the write fails. */
  take(): Batch {
    const batch = this.sealed;
    this.sealed = new Batch();
    return batch;
  }

  restore(batch: Batch): void {
    this.sealed.absorbOlder(batch);
  }

  get pendingCount(): number {
    let n = 0;
    for (const m of this.pending.maps.values()) n += m.size;
    return n;
  }
}

export type { Batch };
