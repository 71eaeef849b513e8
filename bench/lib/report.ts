import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';

/**
 * Replaces (or appends) one benchmark's section in docs/benchmarks.md. Each benchmark owns the
 * text between `<!-- bench:<id> -->` and `<!-- /bench:<id> -->`, so benchmarks can be re-run one at
 * a time without touching the others' results.
 */
export function writeBenchmarkSection(id: string, title: string, body: string): void {
  const file = resolve(import.meta.dirname, '../../docs/benchmarks.md');
  const header =
    '# Benchmarks\n\nEvery figure here was measured by the command shown with it; ratios compare against a\n' +
    'baseline measured in the same run on the same machine. Benchmarks run on demand, never in CI.\n';
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  const section = `${start}\n## ${title}\n\n_Measured ${new Date().toISOString()} on ${machine}._\n\n${body.trim()}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from >= 0 && to > from) doc = doc.slice(0, from) + section + doc.slice(to + end.length);
  else doc = `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, doc);
}

/** A markdown table from rows of cells. */
export function markdownTable(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
