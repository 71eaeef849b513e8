import type { QttBackend } from './qtt-backend.js';
import { type QttStatus, type QttTestResult, runTestCase } from './test-executor.js';
import { listQttFiles, loadQttFile } from './test-loader.js';

export interface QttRunOptions {
  /** Only tests whose full name (`file - name - FORMAT`) matches. */
  readonly filter?: RegExp;
  /** Called after each test (progress, verbose output). */
  readonly onResult?: (result: QttTestResult) => void;
}

export interface QttFileSummary {
  readonly file: string;
  readonly results: readonly QttTestResult[];
  readonly counts: Readonly<Record<QttStatus, number>>;
  /** `"enabled": false` tests, not run. */
  readonly disabled: number;
  /** Set when the file itself could not be read or parsed. */
  readonly error?: string;
}

export interface QttRunSummary {
  readonly files: readonly QttFileSummary[];
  readonly totals: Readonly<Record<QttStatus, number>>;
}

export const emptyCounts = (): Record<QttStatus, number> => ({
  passed: 0,
  failed: 0,
  unsupported: 0,
  crashed: 0,
});

/**
 * Runs every test of the given files/directories, one after another (each on its own engine).
 * Tests the loader rejects are reported as crashed with the reason ("invalid test: …"); a file that
 * is not valid JSON is reported as one crashed entry.
 */
export async function runQttFiles(
  paths: readonly string[],
  backend: QttBackend,
  options: QttRunOptions = {},
): Promise<QttRunSummary> {
  const files: QttFileSummary[] = [];
  const totals = emptyCounts();
  for (const file of listQttFiles(paths)) {
    const counts = emptyCounts();
    const results: QttTestResult[] = [];
    const record = (r: QttTestResult) => {
      results.push(r);
      counts[r.status]++;
      totals[r.status]++;
      options.onResult?.(r);
    };
    let loaded: ReturnType<typeof loadQttFile>;
    try {
      loaded = loadQttFile(file);
    } catch (err) {
      record({
        file,
        name: file,
        status: 'crashed',
        message: `cannot load: ${(err as Error).message}`,
        durationMs: 0,
      });
      files.push({ file, results, counts, disabled: 0, error: (err as Error).message });
      continue;
    }
    for (const bad of loaded.invalid) {
      if (options.filter && !options.filter.test(bad.name)) continue;
      record({
        file,
        name: bad.name,
        status: 'crashed',
        message: `invalid test: ${bad.message}`,
        durationMs: 0,
      });
    }
    for (const test of loaded.tests) {
      if (options.filter && !options.filter.test(test.name)) continue;
      record(await runTestCase(test, backend));
    }
    files.push({ file, results, counts, disabled: loaded.disabled });
  }
  return { files, totals };
}

/** Exit status: 0 when nothing failed or crashed; with `strict`, unsupported tests count as failures too. */
export function exitCodeOf(summary: { totals: Readonly<Record<QttStatus, number>> }, strict = false): number {
  const t = summary.totals;
  return t.failed + t.crashed + (strict ? t.unsupported : 0) > 0 ? 1 : 0;
}
