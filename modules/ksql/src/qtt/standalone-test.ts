import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { isJsonObject, parseJson, stringifyJson } from './json-text.js';
import type { QttBackend } from './qtt-backend.js';
import { runTestCase, type QttTestResult } from './test-executor.js';
import { parseQttFile } from './test-loader.js';

export interface StandaloneFiles {
  readonly sqlFile: string;
  /** `{"inputs": [...]}`; optional (statements may INSERT VALUES instead). */
  readonly inputFile?: string;
  /** `{"outputs": [...]}`. */
  readonly outputFile: string;
}

/**
 * ksqlDB's standalone testing tool (`ksql-test-runner -s statements.sql -i input.json -o
 * output.json`): the user's statements, input records and expected output records make one test
 * case, run exactly as a QTT case. Prints `\t >>> Test passed!` or `\t>>>>> Test failed: <why>`.
 */
export async function runStandaloneTest(
  files: StandaloneFiles,
  backend: QttBackend,
  print: (line: string) => void,
): Promise<{ exitCode: number; result?: QttTestResult }> {
  let testText: string;
  try {
    const records = (file: string | undefined, field: 'inputs' | 'outputs') => {
      if (file === undefined) return [];
      let root: ReturnType<typeof parseJson>;
      try {
        root = parseJson(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new Error(`File name: ${file} Message: ${(err as Error).message}`);
      }
      if (!isJsonObject(root) || !Array.isArray(root[field])) {
        throw new Error(`File name: ${file} Message: expected an object with a "${field}" array`);
      }
      return root[field];
    };
    const inputs = records(files.inputFile, 'inputs');
    const outputs = records(files.outputFile, 'outputs');
    const sql = readFileSync(files.sqlFile, 'utf8');
    // One QTT case (numbers stay exact: stringifyJson writes them as read); the statements go to
    // the engine as one script, which splits them.
    testText = stringifyJson({
      tests: [{ name: 'KSQL_Test', statements: [sql], inputs, outputs }],
    });
  } catch (err) {
    print(`Invalid arguments: ${(err as Error).message}`);
    return { exitCode: 1 };
  }
  const file = parseQttFile(testText, `${basename(files.sqlFile, extname(files.sqlFile))}.json`);
  if (file.invalid.length) {
    print(`\t>>>>> Test failed: ${file.invalid[0].message}`);
    return { exitCode: 1 };
  }
  const result = await runTestCase(file.tests[0], backend);
  if (result.status === 'passed') {
    print('\t >>> Test passed!');
    return { exitCode: 0, result };
  }
  const why =
    result.status === 'unsupported' ? `unsupported: ${result.feature}` : (result.message ?? result.status);
  print(`\t>>>>> Test failed: ${why}`);
  return { exitCode: 1, result };
}
