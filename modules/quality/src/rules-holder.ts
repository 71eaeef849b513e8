import { type FSWatcher, watch } from 'node:fs';
import { DEFAULT_RULES, type QualityRules } from './rules-config.js';
import { loadQualityRules } from './rules-file.js';

/**
 * The rules the stage applies now. The topology reads `current` for every record, so a reload takes
 * effect at the next record without a restart; a file that fails to load leaves the rules as they
 * were (the caller is told why).
 */
export class RulesHolder {
  private rules: QualityRules;
  private watcher: FSWatcher | undefined;
  private settle: NodeJS.Timeout | undefined;
  /** Increases on every successful reload (the processor caches per-series rules per version). */
  version = 0;

  constructor(
    initial: QualityRules = DEFAULT_RULES,
    readonly file?: string,
  ) {
    this.rules = initial;
  }

  static fromFile(file: string): RulesHolder {
    return new RulesHolder(loadQualityRules(file), file);
  }

  get current(): QualityRules {
    return this.rules;
  }

  set(rules: QualityRules): void {
    this.rules = rules;
    this.version++;
  }

  /** Re-reads the file; throws QualityRulesError (rules unchanged) when it cannot be used. */
  reload(): QualityRules {
    if (!this.file) throw new Error('no rules file to reload (the stage runs on the built-in defaults)');
    this.set(loadQualityRules(this.file));
    return this.rules;
  }

  /**
   * Reloads when the file changes, once the changes have settled for `settleMs`: a writer truncates
   * then writes, and the half-written (empty) file must not briefly become the rules. An editor
   * that replaces the file by a rename ends this watch (the watched inode is gone): SIGHUP still
   * reloads.
   */
  watch(onReload: (error: Error | undefined) => void, settleMs = 200): void {
    if (!this.file || this.watcher) return;
    this.watcher = watch(this.file, { persistent: false }, () => {
      clearTimeout(this.settle);
      this.settle = setTimeout(() => {
        try {
          this.reload();
          onReload(undefined);
        } catch (error) {
          onReload(error as Error);
        }
      }, settleMs);
      this.settle.unref();
    });
  }

  close(): void {
    clearTimeout(this.settle);
    this.watcher?.close();
    this.watcher = undefined;
  }
}
