/**
 * The file-length check run by `npm run lint`: no .ts file under modules/, bench/ or scripts/ over
 * MAX_LINES lines (tests included), except the generated files listed in GENERATED. A file that
 * long does more than one thing its name can say; split it by what its parts do. Prints every
 * file over the limit and exits 1 if there is one.
 *
 * Usage: tsx scripts/lint/file-length.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const MAX_LINES = 500;
const ROOTS = ['modules', 'bench', 'scripts'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);

/** Generated code, never edited by hand (each names the script that writes it). */
const GENERATED = new Set([
  // modules/broker/scripts/generate-messages.ts, from the Kafka message definitions
  'modules/broker/src/protocol/messages.generated.ts',
]);

function* typeScriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (entry.isFile() && entry.name.endsWith('.ts')) yield path;
  }
}

function lineCount(path: string): number {
  const text = readFileSync(path, 'utf8');
  if (text.length === 0) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

const tooLong: { path: string; lines: number }[] = [];
let checked = 0;
for (const root of ROOTS) {
  for (const path of typeScriptFiles(root)) {
    if (GENERATED.has(path)) continue;
    checked++;
    const lines = lineCount(path);
    if (lines > MAX_LINES) tooLong.push({ path, lines });
  }
}
// a stale entry would exempt whatever file later takes that path
const missing = [...GENERATED].filter((path) => !existsSync(path));
for (const path of missing)
  console.log(`error ${path} is listed in GENERATED (scripts/lint/file-length.ts) but does not exist`);
tooLong.sort((a, b) => b.lines - a.lines);
for (const f of tooLong) console.log(`error ${f.path}: ${f.lines} lines (limit ${MAX_LINES})`);
if (tooLong.length > 0) {
  console.log(`${tooLong.length} of ${checked} .ts files over ${MAX_LINES} lines: split them`);
} else if (missing.length === 0) {
  console.log(`file length: ${checked} .ts files, none over ${MAX_LINES} lines`);
}
process.exitCode = tooLong.length > 0 || missing.length > 0 ? 1 : 0;
