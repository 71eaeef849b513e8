import { bytesId } from '../bytes.js';
import { SortedBytesMap, type SortedEntry } from '../memory/sorted-bytes-map.js';
import type { CachedRecordContext } from '../state-store.js';

/** One cached value of one store. `value === null` is a cached delete (tombstone). */
export interface CacheNode {
  readonly key: Buffer;
  value: unknown;
  dirty: boolean;
  context: CachedRecordContext;
  /** Bytes charged to the cache for this entry. */
  size: number;
  prev: CacheNode | undefined;
  next: CacheNode | undefined;
  /** Set once the node has left the cache (stale typed-index entries check it). */
  removed: boolean;
  /** The typed key (primitive) and sub key (window start; 0 for key-value) it is indexed under. */
  typedKey: unknown;
  typedSub: number;
}

/** Receives dirty entries, oldest-dirtied first, when the cache flushes or evicts. */
export type DirtyEntriesHandler = (entries: CacheNode[]) => void;

/** Fixed per-entry overhead charged on top of key and value bytes (node, map slot, context). */
export const ENTRY_OVERHEAD = 64;

/**
 * The cache of one store (Kafka Streams' NamedCache): sorted by key bytes for range reads that
 * merge with the store below, LRU-linked for eviction, with the dirty entries kept in the order
 * they were dirtied so flushes replay writes in order.
 */
export class NamedCache {
  private readonly entries = new SortedBytesMap<CacheNode>();
  private readonly dirty = new Set<CacheNode>();
  /**
   * Second index by typed key (primitive keys only) → sub key (window start, or 0) → node. A hit
   * here skips key serialization entirely: the string's hash is cached by the engine, unlike the
   * latin1 id of freshly serialized bytes.
   */
  private readonly typed = new Map<unknown, Map<number, CacheNode> | CacheNode>();
  /** LRU list: head = least recently used. */
  private head: CacheNode | undefined;
  private tail: CacheNode | undefined;
  bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    readonly namespace: string,
    private readonly onDirty: DirtyEntriesHandler,
    private readonly onSizeChange: (delta: number) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get dirtyCount(): number {
    return this.dirty.size;
  }

  /** The node for `key` (touching it as most recently used), or undefined. */
  get(key: Buffer, id = bytesId(key)): CacheNode | undefined {
    const node = this.entries.get(key, id);
    if (!node) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.touch(node);
    return node;
  }

  /** The node of a primitive typed key (and sub key), touching it; undefined when not indexed. */
  getTyped(typedKey: unknown, sub: number): CacheNode | undefined {
    const slot = this.typed.get(typedKey);
    const node =
      slot === undefined
        ? undefined
        : isNode(slot)
          ? slot.typedSub === sub
            ? slot
            : undefined
          : slot.get(sub);
    if (node === undefined || node.removed) return undefined;
    this.hits++;
    this.touch(node);
    return node;
  }

  /** Inserts or replaces; `dirty` entries are flushed later, clean ones are read-through copies. */
  put(
    key: Buffer,
    value: unknown,
    dirty: boolean,
    context: CachedRecordContext,
    valueBytes: number,
    id = bytesId(key),
    typedKey: unknown = undefined,
    typedSub = 0,
  ): CacheNode {
    let node = this.entries.get(key, id);
    if (node) {
      this.update(node, value, dirty, context, valueBytes);
      if (typedKey !== undefined && node.typedKey === undefined) this.index(node, typedKey, typedSub);
      return node;
    }
    const size = key.length + valueBytes + ENTRY_OVERHEAD;
    node = {
      key,
      value,
      dirty,
      context,
      size,
      prev: undefined,
      next: undefined,
      removed: false,
      typedKey: undefined,
      typedSub: 0,
    };
    if (typedKey !== undefined) this.index(node, typedKey, typedSub);
    this.entries.set(key, node, id);
    this.charge(size);
    if (dirty) this.dirty.add(node);
    this.append(node);
    return node;
  }

  /** Replaces the value of a node this cache holds. */
  update(
    node: CacheNode,
    value: unknown,
    dirty: boolean,
    context: CachedRecordContext,
    valueBytes: number,
  ): void {
    const size = node.key.length + valueBytes + ENTRY_OVERHEAD;
    this.charge(size - node.size);
    node.value = value;
    node.context = context;
    node.size = size;
    if (dirty) {
      // Re-dirtying moves the key to the end of the flush order, as its latest write is newest.
      if (node.dirty) this.dirty.delete(node);
      this.dirty.add(node);
      node.dirty = true;
    }
    this.touch(node);
  }

  /** Entries with from ≤ key ≤ to (optional bounds; exclusive upper bound on request), ascending. */
  range(from: Buffer | undefined, to: Buffer | undefined, toExclusive = false): SortedEntry<CacheNode>[] {
    return this.entries.range(from, to, toExclusive);
  }

  /** Hands every dirty entry to the handler, then forgets cached deletes. */
  flush(): void {
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const node of batch) node.dirty = false;
    this.onDirty(batch);
    for (const node of batch) {
      if (node.value === null && !node.dirty) this.remove(node);
    }
  }

  /** Evicts the least recently used entry; flushes all dirty entries first if it is dirty. */
  evictOne(): boolean {
    const eldest = this.head;
    if (!eldest) return false;
    if (eldest.dirty) this.flush();
    if (this.entries.getEntry(eldest.key)?.value === eldest) this.remove(eldest);
    return true;
  }

  /** Drops everything without flushing (store close after a final flush, or task abandoned). */
  clear(): void {
    this.charge(-this.bytes);
    for (const entry of this.entries.entries()) entry.value.removed = true;
    this.entries.clear();
    this.dirty.clear();
    this.typed.clear();
    this.head = undefined;
    this.tail = undefined;
  }

  private index(node: CacheNode, typedKey: unknown, sub: number): void {
    node.typedKey = typedKey;
    node.typedSub = sub;
    const slot = this.typed.get(typedKey);
    if (slot === undefined) this.typed.set(typedKey, node);
    else if (isNode(slot)) {
      if (slot.typedSub === sub || slot.removed) this.typed.set(typedKey, node);
      else
        this.typed.set(
          typedKey,
          new Map([
            [slot.typedSub, slot],
            [sub, node],
          ]),
        );
    } else slot.set(sub, node);
  }

  private unindex(node: CacheNode): void {
    if (node.typedKey === undefined) return;
    const slot = this.typed.get(node.typedKey);
    if (slot === node) this.typed.delete(node.typedKey);
    else if (slot !== undefined && !isNode(slot) && slot.get(node.typedSub) === node) {
      slot.delete(node.typedSub);
      if (slot.size === 0) this.typed.delete(node.typedKey);
    }
  }

  private remove(node: CacheNode): void {
    node.removed = true;
    this.unindex(node);
    this.entries.delete(node.key);
    this.dirty.delete(node);
    this.unlink(node);
    this.charge(-node.size);
  }

  private charge(delta: number): void {
    this.bytes += delta;
    this.onSizeChange(delta);
  }

  private touch(node: CacheNode): void {
    if (this.tail === node) return;
    this.unlink(node);
    this.append(node);
  }

  private append(node: CacheNode): void {
    node.prev = this.tail;
    node.next = undefined;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
  }

  private unlink(node: CacheNode): void {
    if (node.prev) node.prev.next = node.next;
    else if (this.head === node) this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else if (this.tail === node) this.tail = node.prev;
    node.prev = undefined;
    node.next = undefined;
  }
}

function isNode(slot: Map<number, CacheNode> | CacheNode): slot is CacheNode {
  return !(slot instanceof Map);
}
