import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StoreBackend, inMemoryStoreBackend } from '@meterstream/streams';
import { waitFor } from '@meterstream/test-support';
import { describe, expect, it } from 'vitest';
import { QualityRulesError, RulesHolder } from '../src/index.js';
import { MIN, POWER, T0, iso, stage } from './stage.js';

/**
 * A backend whose stores outlive a driver, as a persistent (Redis) store or a changelog-restored
 * one outlives a crashed process: the second driver opens the first one's committed state.
 */
function durableBackend(): StoreBackend {
  const kept = new Map<string, unknown>();
  const keep = <T extends { name: string; get(): unknown }>(supplier: T): T => ({
    ...supplier,
    get: () => {
      if (!kept.has(supplier.name)) kept.set(supplier.name, supplier.get());
      return kept.get(supplier.name);
    },
  });
  return {
    name: 'durable-test',
    keyValue: (name) => keep(inMemoryStoreBackend.keyValue(name)),
    window: (...args) => keep(inMemoryStoreBackend.window(...args)),
    session: (...args) => keep(inMemoryStoreBackend.session(...args)),
  };
}

describe('restart', () => {
  it('in the middle of a gap: the next incarnation fills it from the stored series state, and still knows duplicates', () => {
    const backend = durableBackend();
    const first = stage({ storeBackend: backend });
    first.send(POWER, T0, 0);
    first.send(POWER, T0 + MIN, 10); // then readings 2..4 go missing, and the process stops
    first.driver.commit();
    first.driver.close();

    const second = stage({ storeBackend: backend });
    second.send(POWER, T0 + MIN, 10); // redelivered after the restart: a duplicate
    second.send(POWER, T0 + 5 * MIN, 50);
    expect(second.clean().map((c) => [c.timestamp, c.value, c.estimated])).toEqual([
      [iso(T0 + 2 * MIN), 20, true],
      [iso(T0 + 3 * MIN), 30, true],
      [iso(T0 + 4 * MIN), 40, true],
      [iso(T0 + 5 * MIN), 50, false],
    ]);
    expect(second.counts.get('duplicate/dropped')).toBe(1);

    // Without the stored state the same input finds no gap: the test can fail.
    const fresh = stage();
    fresh.send(POWER, T0 + 5 * MIN, 50);
    expect(fresh.clean().filter((c) => c.estimated)).toEqual([]);
  });
});

describe('rules file reload', () => {
  it('a rewritten file changes a rule at the next reading; a broken file keeps the previous rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quality-rules-'));
    try {
      const file = join(dir, 'rules.yaml');
      writeFileSync(file, 'series:\n  ELECTRICITY.ACTIVE_POWER:\n    max: 5\n');
      const holder = RulesHolder.fromFile(file);
      const s = stage({ rules: holder });
      s.send(POWER, T0, 7);
      writeFileSync(file, 'series:\n  ELECTRICITY.ACTIVE_POWER:\n    max: 10\n');
      holder.reload();
      s.send(POWER, T0 + MIN, 7);
      expect(s.quarantine().map((q) => [q.rule, q.reason])).toEqual([['out-of-bounds', 'value 7 > max 5']]);
      expect(s.clean().map((c) => c.value)).toEqual([7]);

      writeFileSync(file, 'series:\n  ELECTRICITY.ACTIVE_POWR:\n    max: 1\n');
      expect(() => holder.reload()).toThrow(QualityRulesError);
      expect(() => holder.reload()).toThrow(/series\.ELECTRICITY\.ACTIVE_POWR: not a <TYPE>/);
      s.send(POWER, T0 + 2 * MIN, 7);
      expect(s.clean().map((c) => c.value)).toEqual([7]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('watching the file: a change is picked up without a call, and the next reading sees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quality-watch-'));
    const holder = (() => {
      const file = join(dir, 'rules.yaml');
      writeFileSync(file, 'defaults:\n  maxFillReadings: 5\n');
      return RulesHolder.fromFile(file);
    })();
    try {
      const reloads: (Error | undefined)[] = [];
      holder.watch((error) => reloads.push(error));
      const s = stage({ rules: holder });
      s.send(POWER, T0, 0);
      s.send(POWER, T0 + 4 * MIN, 40); // 3 missing: filled
      writeFileSync(holder.file!, 'defaults:\n  maxFillReadings: 2\n');
      await waitFor(
        'the watcher reloaded the rules',
        () => holder.current.defaults.maxFillReadings === 2,
        10_000,
      );
      expect(reloads.every((error) => error === undefined)).toBe(true);
      s.send(POWER, T0 + 8 * MIN, 80); // 3 missing: now a long gap
      expect(s.clean().filter((c) => c.estimated)).toHaveLength(3);
      expect(s.alerts().map((a) => a.type)).toEqual(['long-gap']);
    } finally {
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
