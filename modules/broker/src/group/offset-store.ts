import type { Logger } from 'pino';
import { Journal } from '../state/journal.js';
import { type CommittedOffset, type OffsetToCommit, partitionKey } from './offset-types.js';

type OffsetEntry =
  | {
      t: 'offset';
      g: string;
      topic: string;
      p: number;
      o: bigint;
      e: number;
      m: string | null;
      ts: number;
      /** Set for offsets committed inside a transaction, not yet visible. */
      pid?: string;
    }
  | { t: 'txn-end'; pid: string; g: string; commit: boolean }
  | { t: 'delete-group'; g: string };

/** Compact the journal when it holds this many entries and 4× the live state. */
const COMPACT_MIN_ENTRIES = 10_000;

/**
 * Committed consumer-group offsets, and offsets committed inside transactions that become visible
 * only when the transaction commits. Changes are journaled and fsynced before they are applied, so
 * an acknowledged commit survives a SIGKILL of the broker.
 */
export class OffsetStore {
  /** groupId → partition key → offset */
  private readonly committed = new Map<string, Map<string, CommittedOffset>>();
  /** groupId → producerId → partition key → offset */
  private readonly pending = new Map<string, Map<string, Map<string, CommittedOffset>>>();

  private constructor(private readonly journal: Journal<OffsetEntry>) {}

  static async open(dir: string, log: Logger): Promise<OffsetStore> {
    const { journal, entries } = await Journal.open<OffsetEntry>(dir, 'group-offsets.jsonl', log);
    const store = new OffsetStore(journal);
    for (const e of entries) store.apply(e);
    return store;
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  groupIds(): string[] {
    return [...new Set([...this.committed.keys(), ...this.pending.keys()])];
  }

  hasOffsets(groupId: string): boolean {
    return (this.committed.get(groupId)?.size ?? 0) > 0 || (this.pending.get(groupId)?.size ?? 0) > 0;
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.committed.get(groupId)?.get(partitionKey(topic, partition));
  }

  /** All committed offsets of a group, keyed by partition key. */
  all(groupId: string): ReadonlyMap<string, CommittedOffset> {
    return this.committed.get(groupId) ?? new Map();
  }

  /** Every committed offset of every group (for lag metrics). */
  *entries(): Generator<{ groupId: string; key: string; offset: CommittedOffset }> {
    for (const [groupId, offsets] of this.committed) {
      for (const [key, offset] of offsets) yield { groupId, key, offset };
    }
  }

  /** Whether a transaction still holds an uncommitted offset for the partition. */
  hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    const key = partitionKey(topic, partition);
    for (const offsets of this.pending.get(groupId)?.values() ?? []) if (offsets.has(key)) return true;
    return false;
  }

  async commit(groupId: string, offsets: OffsetToCommit[], now: number, producerId?: bigint): Promise<void> {
    const pid = producerId === undefined ? undefined : producerId.toString();
    const entries: OffsetEntry[] = offsets.map((o) => ({
      t: 'offset',
      g: groupId,
      topic: o.topic,
      p: o.partition,
      o: o.offset,
      e: o.leaderEpoch,
      m: o.metadata,
      ts: now,
      ...(pid === undefined ? {} : { pid }),
    }));
    await this.persist(entries);
  }

  /** Makes a transaction's offsets visible (commit) or drops them (abort), for each group. */
  async endTransaction(producerId: bigint, groupIds: string[], commit: boolean): Promise<void> {
    const pid = producerId.toString();
    await this.persist(groupIds.map((g) => ({ t: 'txn-end', pid, g, commit })));
  }

  async deleteGroup(groupId: string): Promise<void> {
    await this.persist([{ t: 'delete-group', g: groupId }]);
  }

  private async persist(entries: OffsetEntry[]): Promise<void> {
    await this.journal.append(entries);
    for (const e of entries) this.apply(e);
    if (this.journal.entryCount >= COMPACT_MIN_ENTRIES && this.journal.entryCount > 4 * this.liveCount()) {
      await this.journal.compact(this.snapshot());
    }
  }

  private liveCount(): number {
    let n = 0;
    for (const offsets of this.committed.values()) n += offsets.size;
    for (const byPid of this.pending.values()) for (const offsets of byPid.values()) n += offsets.size;
    return n;
  }

  private snapshot(): OffsetEntry[] {
    const out: OffsetEntry[] = [];
    const push = (g: string, key: string, o: CommittedOffset, pid?: string) => {
      const at = key.lastIndexOf('\u0000');
      out.push({
        t: 'offset',
        g,
        topic: key.slice(0, at),
        p: Number(key.slice(at + 1)),
        o: o.offset,
        e: o.leaderEpoch,
        m: o.metadata,
        ts: o.commitTimestamp,
        ...(pid === undefined ? {} : { pid }),
      });
    };
    for (const [g, offsets] of this.committed) for (const [k, o] of offsets) push(g, k, o);
    for (const [g, byPid] of this.pending)
      for (const [pid, offsets] of byPid) for (const [k, o] of offsets) push(g, k, o, pid);
    return out;
  }

  private apply(e: OffsetEntry): void {
    switch (e.t) {
      case 'offset': {
        const value: CommittedOffset = {
          offset: e.o,
          leaderEpoch: e.e,
          metadata: e.m,
          commitTimestamp: e.ts,
        };
        const key = partitionKey(e.topic, e.p);
        if (e.pid === undefined) mapOf(this.committed, e.g).set(key, value);
        else mapOf(mapOf(this.pending, e.g), e.pid).set(key, value);
        break;
      }
      case 'txn-end': {
        const byPid = this.pending.get(e.g);
        const offsets = byPid?.get(e.pid);
        if (!byPid || !offsets) break;
        byPid.delete(e.pid);
        if (byPid.size === 0) this.pending.delete(e.g);
        if (e.commit) for (const [k, o] of offsets) mapOf(this.committed, e.g).set(k, o);
        break;
      }
      case 'delete-group':
        this.committed.delete(e.g);
        this.pending.delete(e.g);
        break;
    }
  }
}

function mapOf<K, V2 extends Map<unknown, unknown>>(outer: Map<K, V2>, key: K): V2 {
  let inner = outer.get(key);
  if (!inner) {
    inner = new Map() as V2;
    outer.set(key, inner);
  }
  return inner;
}
