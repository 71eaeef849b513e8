import { basename } from 'node:path';
import type { QttRunSummary } from './qtt-runner.js';
import type { QttTestResult } from './test-executor.js';

/** A group of failed/crashed/unsupported tests sharing one reason (numbers and quoted text masked). */
export interface ReasonGroup {
  readonly status: QttTestResult['status'];
  readonly reason: string;
  readonly count: number;
  readonly example: string;
}

/** The reason a result is grouped under: the feature, or the message's first line with specifics masked. */
export function reasonOf(r: QttTestResult): string {
  if (r.status === 'unsupported') return r.feature ?? 'unsupported';
  const first = (r.message ?? '').split('\n')[0];
  // keep where a crash happened (function and file, not the line) so one bug groups as one reason
  const frame = /\(at (?:(\S+) \()?.*?([^/\\]+?):\d+:\d+\)?\)$/.exec(first);
  const where = frame ? ` @ ${frame[1] ? `${frame[1]} ` : ''}${frame[2]}` : '';
  return (
    first
      .replace(/\(at .*\)$/, '')
      .replace(/^Topic '?[^' .]+'?(, message \d+)?[.:]?\s*/, 'Topic T: ')
      .replace(/Expected <.* but was <.*/, 'Expected <record> but was <other record>')
      .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "'…'")
      .replace(/\b\d+(\.\d+)?\b/g, 'N')
      .trim() + where
  );
}

export function groupReasons(results: Iterable<QttTestResult>): ReasonGroup[] {
  const groups = new Map<
    string,
    { status: QttTestResult['status']; reason: string; count: number; example: string }
  >();
  for (const r of results) {
    if (r.status === 'passed') continue;
    const reason = reasonOf(r);
    const key = `${r.status}\u0000${reason}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { status: r.status, reason, count: 1, example: r.name });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

const counts = (c: Readonly<Record<string, number>>) =>
  `${c.passed} passed, ${c.failed} failed, ${c.unsupported} unsupported, ${c.crashed} crashed`;

/** The human report: one line per file, then each test that did not pass (all tests with `verbose`). */
export function formatReport(summary: QttRunSummary, verbose = false): string {
  const lines: string[] = [];
  for (const f of summary.files) {
    lines.push(`${basename(f.file)}: ${counts(f.counts)}${f.disabled ? `, ${f.disabled} disabled` : ''}`);
    for (const r of f.results) {
      if (r.status === 'passed' && !verbose) continue;
      const label = r.status.toUpperCase().padEnd(11);
      const detail =
        r.status === 'unsupported'
          ? `: ${r.feature}`
          : r.message
            ? `\n      ${r.message.replaceAll('\n', '\n      ')}`
            : '';
      lines.push(`  ${label} ${r.name}${detail}`);
    }
  }
  lines.push(`Total: ${counts(summary.totals)} (${summary.files.length} files)`);
  return lines.join('\n');
}

/** The machine-readable summary (`--json`). */
export function reportJson(summary: QttRunSummary): unknown {
  return {
    totals: summary.totals,
    files: summary.files.map((f) => ({
      file: f.file,
      counts: f.counts,
      disabled: f.disabled,
      tests: f.results.map((r) => ({
        name: r.name,
        status: r.status,
        ...(r.message !== undefined ? { message: r.message } : {}),
        ...(r.feature !== undefined ? { feature: r.feature } : {}),
        durationMs: r.durationMs,
      })),
    })),
    reasons: groupReasons(summary.files.flatMap((f) => f.results)),
  };
}
