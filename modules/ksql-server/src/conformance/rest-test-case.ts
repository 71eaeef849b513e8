import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  JsonNumber,
  parseJson,
  parseQttRecord,
  parseQttTopic,
  type QttRecord,
  type QttTopic,
  stringifyJson,
} from '@meterstream/ksql';

/**
 * One case of a ksqlDB rest-query-validation-tests file after its `format` matrix is expanded
 * (ksqlDB's RestTestCase). Numbers keep their JSON text (`JsonNumber`), so `1` and `1.0` stay
 * different, as they are to ksqlDB's Jackson-based comparison.
 */
export interface RestTestCase {
  readonly file: string;
  /** `<file name> - <name>[ - <FORMAT>]`, as ksqlDB names it. */
  readonly name: string;
  readonly statements: readonly string[];
  /** Sent with every request as `streamsProperties`, values as written. */
  readonly properties: Readonly<Record<string, JsonValue>>;
  readonly topics: readonly QttTopic[];
  readonly inputs: readonly QttRecord[];
  readonly outputs: readonly QttRecord[];
  /** Each `{ "admin": {…} }` / `{ "query": […] }` entry as written. */
  readonly responses: readonly { readonly type: string; readonly payload: JsonValue }[];
  readonly expectedError?: RestExpectedError;
  /** `outputConditions.verifyOrder`: rows compared in order rather than as a multiset. */
  readonly verifyOrder: boolean;
  /** `inputConditions.waitForActivePushQuery`: inputs produced once the push query runs. */
  readonly inputsAfterPushQuery: boolean;
}

export interface RestExpectedError {
  /** A Java class name: `…KsqlStatementErrorMessage` asks for a statement error about the last statement. */
  readonly type?: string;
  /** Contained in the error's message. */
  readonly message?: string;
  /** The HTTP status. */
  readonly status?: number;
}

export interface RestTestFile {
  readonly file: string;
  readonly cases: readonly RestTestCase[];
  /** Cases the loader could not read, with why (counted as failed). */
  readonly invalid: readonly { readonly name: string; readonly message: string }[];
  readonly disabled: number;
}

export class RestTestFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestTestFormatError';
  }
}

export function loadRestTestFile(path: string): RestTestFile {
  return parseRestTestFile(readFileSync(path, 'utf8'), path);
}

export function parseRestTestFile(text: string, file: string): RestTestFile {
  const root = parseJson(text);
  if (!isJsonObject(root) || !Array.isArray(root.tests)) {
    throw new RestTestFormatError(`${file}: not a rest-query-validation-tests file (no "tests" array)`);
  }
  const prefix = basename(file, extname(file));
  const cases: RestTestCase[] = [];
  const invalid: { name: string; message: string }[] = [];
  let disabled = 0;
  for (const node of root.tests) {
    const name = isJsonObject(node) && typeof node.name === 'string' ? node.name : '';
    try {
      if (!isJsonObject(node)) throw new RestTestFormatError('a test must be an object');
      if (node.enabled === false) {
        disabled++;
        continue;
      }
      cases.push(...buildCases(node, file, prefix));
    } catch (err) {
      invalid.push({ name: `${prefix} - ${name}`, message: (err as Error).message });
    }
  }
  return { file, cases, invalid, disabled };
}

function buildCases(node: JsonObject, file: string, prefix: string): RestTestCase[] {
  const simpleName = typeof node.name === 'string' ? node.name : '';
  if (simpleName === '') throw new RestTestFormatError('missing field: name');
  const statements = list(node.statements, 'statements').map((s) => {
    if (typeof s !== 'string') throw new RestTestFormatError("invalid field 'statements[]'");
    return s;
  });
  if (statements.length === 0) throw new RestTestFormatError("invalid field 'statements': was empty");
  const inputs = list(node.inputs, 'inputs').map((r) => parseQttRecord(r, 'inputs'));
  const outputs = list(node.outputs, 'outputs').map((r) => parseQttRecord(r, 'outputs'));
  const topics = list(node.topics, 'topics').map(parseQttTopic);
  const expectedError = node.expectedError === undefined ? undefined : expectedErrorOf(node.expectedError);
  if (inputs.length > 0 && expectedError) {
    throw new RestTestFormatError("invalid field 'inputs and expectedError': can not both be set");
  }
  const responses = list(node.responses, 'responses').map((r) => {
    if (!isJsonObject(r) || Object.keys(r).length !== 1) {
      throw new RestTestFormatError("invalid field 'responses[]': expected one of admin, query");
    }
    const [type, payload] = Object.entries(r)[0];
    return { type, payload };
  });
  const properties: Record<string, JsonValue> = {};
  if (node.properties !== undefined && node.properties !== null) {
    if (!isJsonObject(node.properties)) throw new RestTestFormatError("invalid field 'properties'");
    Object.assign(properties, node.properties);
  }
  const flag = (o: JsonValue | undefined, field: string) => isJsonObject(o) && o[field] === true;
  const formats = list(node.format, 'format').map((f) => (typeof f === 'string' ? f : stringifyJson(f)));
  return (formats.length ? formats : [undefined]).map((format) => ({
    file,
    name: `${prefix} - ${simpleName}${format ? ` - ${format}` : ''}`,
    statements: statements.map((s) =>
      s.replaceAll(
        '{FORMAT}',
        format ?? "To use {FORMAT} in your statements please set the 'format' test case element",
      ),
    ),
    properties,
    topics,
    inputs,
    outputs,
    responses,
    expectedError,
    verifyOrder: flag(node.outputConditions, 'verifyOrder'),
    inputsAfterPushQuery: flag(node.inputConditions, 'waitForActivePushQuery'),
  }));
}

function expectedErrorOf(v: JsonValue): RestExpectedError {
  if (!isJsonObject(v)) throw new RestTestFormatError("invalid field 'expectedError'");
  const type = typeof v.type === 'string' ? v.type : undefined;
  const message = typeof v.message === 'string' ? v.message : undefined;
  const status = v.status instanceof JsonNumber ? v.status.toNumber() : undefined;
  if (type === undefined && message === undefined && status === undefined) {
    throw new RestTestFormatError(
      'missing field: expectedError.type, expectedError.message or expectedError.status',
    );
  }
  return { type, message, status };
}

function list(v: JsonValue | undefined, field: string): JsonValue[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new RestTestFormatError(`invalid field '${field}': expected an array`);
  return v;
}
