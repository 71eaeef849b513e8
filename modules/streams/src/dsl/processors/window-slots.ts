import type { Headers } from '../../processor/record.js';

/**
 * The cached aggregates of one window start (the windowed aggregation's cache, caching on), as
 * columns indexed by a slot per key. The key's Map entry holds a small integer, so an update reads
 * the aggregate and its metadata from arrays laid out in arrival order — a fleet's records arrive
 * in a steady key order, so the columns are walked nearly sequentially — instead of chasing one
 * object per key; and an update touches as few columns as it can (ids, values, stamps), since with
 * several window sizes the processor is bound by memory traffic (measured: each column dropped from
 * the update path gained 5–10 % in the processor alone with four window sizes).
 */
export class WindowSlots<K, VA> {
  /** Key identity → slot. */
  private readonly slotOf = new Map<unknown, number>();
  /** Key identity per slot (the key itself when primitive). */
  private readonly ids: unknown[] = [];
  /** Slot of the last update: the next record is usually the next slot's (see `find`). */
  private lastSlot = -1;
  readonly keys: K[] = [];
  readonly values: VA[] = [];
  /**
   * Per slot, one number for two facts: the largest record timestamp in the window as an offset
   * from the window start (a small integer stored in place, where an epoch-ms timestamp would be a
   * heap number), and whether the slot changed since the last flush — a dirty slot holds
   * −(offset + 1), a clean one the offset itself.
   */
  private readonly stamps: number[] = [];
  /** The value last written to the store (null = the window is not in the store yet). */
  readonly olds: (VA | null)[] = [];
  /** Headers of every slot while all are the same object (the usual case); then no column exists. */
  private sharedHeaders: Headers;
  private headerColumn: Headers[] | undefined;

  constructor(headers: Headers) {
    this.sharedHeaders = headers;
  }

  get size(): number {
    return this.keys.length;
  }

  /**
   * The slot of a key identity, or -1. Meters report in a steady cycle, so the slot after the last
   * one updated is tried first: a hit costs one comparison instead of a hash lookup; a miss costs
   * one comparison more than the lookup alone.
   */
  find(id: unknown): number {
    const next = this.lastSlot + 1;
    const slot = next < this.ids.length && this.ids[next] === id ? next : (this.slotOf.get(id) ?? -1);
    if (slot >= 0) this.lastSlot = slot;
    return slot;
  }

  /** A new dirty slot. */
  add(id: unknown, key: K, value: VA, tsOffset: number, old: VA | null, headers: Headers): void {
    const slot = this.keys.length;
    this.lastSlot = slot;
    this.slotOf.set(id, slot);
    this.ids.push(id);
    this.keys.push(key);
    this.values.push(value);
    this.stamps.push(-(tsOffset + 1));
    this.olds.push(old);
    if (this.headerColumn !== undefined) this.headerColumn.push(headers);
    else if (headers !== this.sharedHeaders) this.splitHeaders(slot, headers);
  }

  /** Records an update of `slot` by a record at `tsOffset`; returns true when the slot was clean. */
  touch(slot: number, tsOffset: number, headers: Headers): boolean {
    const stamp = this.stamps[slot]!;
    const wasClean = stamp >= 0;
    const max = wasClean ? stamp : -stamp - 1;
    if (wasClean || tsOffset > max) this.stamps[slot] = -(Math.max(max, tsOffset) + 1);
    if (this.headerColumn !== undefined) this.headerColumn[slot] = headers;
    else if (headers !== this.sharedHeaders) this.splitHeaders(slot, headers);
    return wasClean;
  }

  isDirty(slot: number): boolean {
    return this.stamps[slot]! < 0;
  }

  /** Largest record timestamp of the slot's window, as an offset from the window start. */
  tsOffset(slot: number): number {
    const stamp = this.stamps[slot]!;
    return stamp >= 0 ? stamp : -stamp - 1;
  }

  headers(slot: number): Headers {
    return this.headerColumn !== undefined ? this.headerColumn[slot]! : this.sharedHeaders;
  }

  /** After a flush wrote the slot: clean, and its value is the stored one. */
  markFlushed(slot: number): void {
    this.olds[slot] = this.values[slot]!;
    this.stamps[slot] = this.tsOffset(slot);
  }

  private splitHeaders(slot: number, headers: Headers): void {
    const column = new Array<Headers>(this.keys.length).fill(this.sharedHeaders);
    column[slot] = headers;
    this.headerColumn = column;
  }
}
