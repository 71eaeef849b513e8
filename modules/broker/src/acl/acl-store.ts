/**
 * The broker's ACL bindings: kept in memory and journalled (fdatasync before the answer) to
 * `<dataDir>/acls/acls.jsonl`, like the coordinators' state. With `authorizer: 'acl'` every request
 * is authorized against them (security/authorizer.ts, which reads `all()` and watches `version`).
 */
import type { Logger } from 'pino';
import { Journal } from '../state/journal.js';
import { type AclBinding, type AclFilter, bindingKey, filterMatches } from './acl-binding.js';

type AclJournalEntry = { add: AclBinding } | { remove: AclBinding };

/** Rewrite the journal as a snapshot when it holds this many entries and 4× the live bindings. */
const COMPACT_AT = 1000;

export class AclStore {
  /** Bindings by identity, in creation order (DescribeAcls answers in this order). */
  private readonly bindings = new Map<string, AclBinding>();
  /** Changes whenever the bindings do: the authorizer drops its cached decisions then. */
  version = 0;

  private constructor(private readonly journal: Journal<AclJournalEntry>) {}

  static async open(dir: string, logger: Logger): Promise<AclStore> {
    const { journal, entries } = await Journal.open<AclJournalEntry>(dir, 'acls.jsonl', logger);
    const store = new AclStore(journal);
    for (const e of entries) {
      if ('add' in e) store.bindings.set(bindingKey(e.add), e.add);
      else store.bindings.delete(bindingKey(e.remove));
    }
    return store;
  }

  /** Adds the bindings not stored yet (a binding created twice is stored once, as in Kafka). */
  async create(bindings: readonly AclBinding[]): Promise<void> {
    const added: AclJournalEntry[] = [];
    for (const b of bindings) {
      const key = bindingKey(b);
      if (this.bindings.has(key)) continue;
      this.bindings.set(key, b);
      added.push({ add: b });
    }
    if (added.length > 0) this.version++;
    await this.journal.append(added);
    await this.maybeCompact();
  }

  all(): Iterable<AclBinding> {
    return this.bindings.values();
  }

  describe(filter: AclFilter): AclBinding[] {
    return [...this.bindings.values()].filter((b) => filterMatches(filter, b));
  }

  /**
   * Removes the bindings any filter matches and returns, per filter, those it matched (a binding
   * matched by two filters is listed under both, as Kafka answers).
   */
  async delete(filters: readonly AclFilter[]): Promise<AclBinding[][]> {
    const results = filters.map((f) => this.describe(f));
    const removed: AclJournalEntry[] = [];
    for (const b of results.flat()) {
      if (this.bindings.delete(bindingKey(b))) removed.push({ remove: b });
    }
    if (removed.length > 0) this.version++;
    await this.journal.append(removed);
    await this.maybeCompact();
    return results;
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  private async maybeCompact(): Promise<void> {
    const live = this.bindings.size;
    if (this.journal.entryCount >= COMPACT_AT && this.journal.entryCount >= 4 * live) {
      await this.journal.compact([...this.bindings.values()].map((b) => ({ add: b })));
    }
  }
}
