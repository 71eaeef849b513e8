/**
 * The import-graph check run by `npm run lint`: the rules of .dependency-cruiser.cjs (modules
 * depend in one direction, as ARCHITECTURE.md says), and no import cycle spanning more than
 * MAX_CYCLE_FILES files. Prints every violation and exits 1 if there is one.
 *
 * A cycle is measured as a strongly connected component of the graph of files (every file in it
 * reaches every other through imports), type-only imports included: they tie the files together
 * for whoever changes them, even though nothing of them is left at run time. dependency-cruiser's
 * own `circular` rule cannot bound a cycle's length, hence this script.
 *
 * Why 3: a pair or a triangle of files that need each other (a store and its cache, a plan step
 * and the join it builds) is read and changed as one unit; past that, a cycle is no longer a unit
 * but a knot where a change anywhere may need all of it. The broker's 42-file cycle (every
 * handler <-> the Broker class) is what made us add the check.
 *
 * Usage: tsx scripts/lint/import-graph.ts [paths…]   (default: modules bench scripts)
 */
import { cruise, format, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { stronglyConnected } from './strongly-connected.js';

const MAX_CYCLE_FILES = 3;

const CONFIG = './.dependency-cruiser.cjs';

async function main(paths: string[]): Promise<number> {
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfigFile = options.tsConfig?.fileName;
  const tsConfig = tsConfigFile ? extractTSConfig(tsConfigFile) : undefined;
  const cruised = await cruise(paths, options, {}, { tsConfig });
  const result = cruised.output as ICruiseResult;
  let failed = false;

  if (result.summary.error > 0) {
    failed = true;
    const report = await format(result, { outputType: 'err' });
    process.stdout.write(String(report.output));
  }

  const edges = new Map<string, string[]>();
  for (const m of result.modules) {
    edges.set(
      m.source,
      m.dependencies.filter((d) => !d.coreModule && !d.couldNotResolve).map((d) => d.resolved),
    );
  }
  for (const component of stronglyConnected(edges)) {
    if (component.length <= MAX_CYCLE_FILES) continue;
    failed = true;
    console.log(
      `error import cycle of ${component.length} files (more than ${MAX_CYCLE_FILES}; see scripts/lint/import-graph.ts):`,
    );
    for (const file of [...component].sort()) console.log(`  ${file}`);
  }
  if (!failed) {
    console.log(
      `import graph: ${result.summary.totalCruised} files, no rule broken, no cycle over ${MAX_CYCLE_FILES} files`,
    );
  }
  return failed ? 1 : 0;
}

const args = process.argv.slice(2);
process.exitCode = await main(args.length > 0 ? args : ['modules', 'bench', 'scripts']);
