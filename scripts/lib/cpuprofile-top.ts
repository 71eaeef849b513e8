/**
 * Self time per function of a V8 .cpuprofile (what `node --cpu-prof` writes), largest first:
 *
 *   node --import tsx scripts/lib/cpuprofile-top.ts FILE.cpuprofile [rows=25]
 *
 * A profile is JSON: nodes (call-tree nodes with a callFrame), samples (node ids) and timeDeltas
 * (µs before each sample). A node's self time is the sum of the deltas of the samples taken in it.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpuprofile-top.ts FILE.cpuprofile [rows]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const frameOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
const selfUs = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const frame = frameOf.get(id);
  const delta = profile.timeDeltas[i] ?? 0;
  totalUs += delta;
  if (!frame) return;
  const where = frame.url ? `${frame.url.replace(/^.*\/modules\//, '')}:${frame.lineNumber + 1}` : '';
  const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
  selfUs.set(name, (selfUs.get(name) ?? 0) + delta);
});
const rows = [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, Number(rowsArg ?? 25));
console.log(`total ${(totalUs / 1000).toFixed(0)} ms`);
for (const [name, us] of rows)
  console.log(
    `${(us / 1000).toFixed(0).padStart(8)} ms ${((us / totalUs) * 100).toFixed(1).padStart(5)} %  ${name}`,
  );
