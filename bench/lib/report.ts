import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';

/**
 * Replaces (or appends) one benchmark's section in docs/benchmarks.md. Each benchmark owns the
 * text between `<!-- bench:<id> -->` and `<!-- /bench:<id> -->`, so benchmarks can be re-run one at
 * a time without touching the others' results. A subsection (`level` 3, `after` its parent's id)
 * is first placed after the parent's section and the subsections already there, so one benchmark's
 * scenarios read together.
 */
export function writeBenchmarkSection(
  id: string,
  title: string,
  body: string,
  options: { level?: 2 | 3; after?: string } = {},
): void {
  const file = resolve(import.meta.dirname, '../../docs/benchmarks.md');
  const header =
    '# Benchmarks\n\nEvery figure here was measured by the command shown with it; ratios compare against a\n' +
    'baseline measured in the same run on the same machine. Benchmarks run on demand, never in CI.\n';
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  const heading = '#'.repeat(options.level ?? 2);
  const section = `${start}\n${heading} ${title}\n\n_Measured ${new Date().toISOString()} on ${machine}._\n\n${body.trim()}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from >= 0 && to > from) doc = doc.slice(0, from) + section + doc.slice(to + end.length);
  else {
    const at = options.after === undefined ? -1 : endOfSubsections(doc, options.after);
    doc = at < 0 ? `${doc.trimEnd()}\n\n${section}\n` : `${doc.slice(0, at)}\n${section}${doc.slice(at)}`;
  }
  writeFileSync(file, doc);
}

/** Where the section `parent` and the subsections right after it (`<!-- bench:parent/… -->`) end; -1 if absent. */
function endOfSubsections(doc: string, parent: string): number {
  const parentEnd = `<!-- /bench:${parent} -->`;
  let at = doc.indexOf(parentEnd);
  if (at < 0) return -1;
  at += parentEnd.length;
  for (;;) {
    const next = doc.slice(at).match(/^\n<!-- bench:([^ ]+) -->/);
    if (!next?.[1]?.startsWith(`${parent}/`)) return at;
    const close = `<!-- /bench:${next[1]} -->`;
    const to = doc.indexOf(close, at);
    if (to < 0) return at;
    at = to + close.length;
  }
}

/** A markdown table from rows of cells. */
export function markdownTable(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
