import { isJsonObject, JsonNumber, type JsonObject, type JsonValue, stringifyJson } from '@meterstream/ksql';
import type { RestExpectedError } from './rest-test-case.js';

/** What the server answered, in statement order: one per /ksql entity, one per /query call. */
export type ActualResponse =
  | { readonly kind: 'admin'; readonly entity: JsonValue }
  | { readonly kind: 'query'; readonly rows: readonly JsonValue[] };

/** An error response: its HTTP status and JSON body (ksqlDB's KsqlErrorMessage). */
export interface ErrorResponse {
  readonly status: number;
  readonly body: JsonValue;
}

/**
 * Matches the responses as ksqlDB's RestTestExecutor.verifyResponses does: there must be at least
 * as many as expected; each expected `admin` object is a subset of its entity, each expected
 * `query` has exactly as many rows as answered and each row is a subset of its row. Objects are
 * compared key by key (a key `name|starts_with` compares a string prefix); anything else — arrays,
 * strings, numbers — must be equal, numbers by their JSON kind (1 ≠ 1.0). `{STATEMENT}` in an
 * expected string is the statement at the response's index. Unless `verifyOrder`, the `columns`
 * of query rows are compared as a multiset. Returns the first difference.
 */
export function matchResponses(
  actual: readonly ActualResponse[],
  expected: readonly { readonly type: string; readonly payload: JsonValue }[],
  statements: readonly string[],
  verifyOrder: boolean,
): string | undefined {
  if (actual.length < expected.length) {
    return `Not enough responses: expected ${expected.length} but got ${actual.length}`;
  }
  for (const [idx, e] of expected.entries()) {
    const a = actual[idx];
    const diff = matchOne(a, e.type, e.payload, statements, idx, verifyOrder);
    if (diff) return diff;
  }
  return undefined;
}

function matchOne(
  actual: ActualResponse,
  type: string,
  payload: JsonValue,
  statements: readonly string[],
  idx: number,
  verifyOrder: boolean,
): string | undefined {
  const rows = new RowTally(verifyOrder);
  if (type === 'admin') {
    if (actual.kind !== 'admin')
      return `responses[${idx}]: expected an admin response but was a query response`;
    if (!isJsonObject(payload)) return `responses[${idx}]: admin payload should be a JSON object`;
    if (!isJsonObject(actual.entity)) return `responses[${idx}]: the entity is not a JSON object`;
    return (
      matchFields(actual.entity, payload, statements, idx, `responses[${idx}]->admin`, rows) ?? rows.verdict()
    );
  }
  if (type === 'query') {
    if (actual.kind !== 'query')
      return `responses[${idx}]: expected a query response but was an admin response`;
    if (!Array.isArray(payload)) return `responses[${idx}]: query payload should be an array`;
    if (actual.rows.length !== payload.length) {
      return `responses[${idx}]: row count mismatch: expected ${payload.length} ${show(payload)} but got ${actual.rows.length} ${show([...actual.rows])}`;
    }
    for (const [i, row] of actual.rows.entries()) {
      const exp = payload[i];
      if (!isJsonObject(exp)) return `responses[${idx}]->query[${i}]: each row should be a JSON object`;
      if (!isJsonObject(row))
        return `responses[${idx}]->query[${i}]: the row is not a JSON object: ${show(row)}`;
      const diff = matchFields(row, exp, statements, idx, `responses[${idx}]->query[${i}]`, rows);
      if (diff) return diff;
    }
    return rows.verdict();
  }
  return `responses[${idx}]: unsupported response type '${type}'`;
}

function matchFields(
  actual: JsonObject,
  expected: JsonObject,
  statements: readonly string[],
  idx: number,
  path: string,
  rows: RowTally,
): string | undefined {
  for (const [rawKey, rawValue] of Object.entries(expected)) {
    const bar = rawKey.indexOf('|');
    const key = bar < 0 ? rawKey : rawKey.slice(0, bar);
    // ksqlDB reads the operator as its MatchOperator enum: `equals`, `starts_with` (any case).
    const operator = bar < 0 ? 'EQUALS' : rawKey.slice(bar + 1).toUpperCase();
    if (operator !== 'EQUALS' && operator !== 'STARTS_WITH')
      return `${path}: unknown match operator '${operator}'`;
    const value =
      typeof rawValue === 'string' && idx < statements.length
        ? rawValue.replaceAll('{STATEMENT}', statements[idx])
        : rawValue;
    if (!Object.hasOwn(actual, key)) return `Response mismatch at ${path}: no '${key}' in ${show(actual)}`;
    const got = actual[key];
    const at = `${path}->${key}`;
    if (isJsonObject(value)) {
      if (!isJsonObject(got)) return `Response mismatch at ${at}: expected an object but was ${show(got)}`;
      const diff = matchFields(got, value, statements, idx, at, rows);
      if (diff) return diff;
    } else if (operator === 'STARTS_WITH') {
      if (typeof got !== 'string' || typeof value !== 'string' || !got.startsWith(value)) {
        return `Response mismatch at ${at}: expected a string starting with ${show(value)} but was ${show(got)}`;
      }
    } else if (
      !rows.verifyOrder &&
      at.includes('query') &&
      at.includes('row') &&
      key.toLowerCase() === 'columns'
    ) {
      rows.add(got, value, at);
    } else if (!jsonEquals(got, value)) {
      return `Response mismatch at ${at}: expected ${show(value)} but was ${show(got)}`;
    }
  }
  return undefined;
}

/** The rows of one response when their order does not matter: how often each value occurs. */
class RowTally {
  private readonly actual = new Map<string, { count: number; value: JsonValue; path: string }>();
  private readonly expected = new Map<string, number>();
  constructor(readonly verifyOrder: boolean) {}

  add(actual: JsonValue, expected: JsonValue, path: string): void {
    const a = canonical(actual);
    const seen = this.actual.get(a);
    this.actual.set(a, { count: (seen?.count ?? 0) + 1, value: actual, path: seen?.path ?? path });
    const e = canonical(expected);
    this.expected.set(e, (this.expected.get(e) ?? 0) + 1);
  }

  verdict(): string | undefined {
    for (const [key, { count, value, path }] of this.actual) {
      const want = this.expected.get(key);
      if (want === undefined) {
        const others = [...this.expected.keys()];
        return `Response mismatch at ${path}: ${show(value)} is not among the expected rows ${others.join(', ')}`;
      }
      if (want !== count)
        return `Uneven occurrence of expected vs actual for row ${show(value)}: expected ${want}, got ${count}`;
    }
    return undefined;
  }
}

/** Deep equality with numbers by kind and value, as Jackson-read values compare in Java. */
export function jsonEquals(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return a !== undefined && b !== undefined && canonical(a) === canonical(b);
}

function canonical(v: JsonValue): string {
  if (v instanceof JsonNumber) {
    if (v.isIntegral) return `i${BigInt(v.text)}`;
    return `d${Number(v.text)}`;
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function show(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  const text = stringifyJson(v);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/**
 * Matches an error response with `expectedError` (ksqlDB's ExpectedErrorNode): `status` is the HTTP
 * status; `message` is contained in the body's message; a `type` naming KsqlStatementErrorMessage
 * asks for a statement error whose statementText contains the last statement (any other
 * KsqlErrorMessage type is matched by every error body). Returns the first difference.
 */
export function matchExpectedError(
  error: ErrorResponse,
  expected: RestExpectedError,
  lastStatement: string,
): string | undefined {
  const body = isJsonObject(error.body) ? error.body : {};
  const message = typeof body.message === 'string' ? body.message : '';
  // The whole body: reports read its message back out of it.
  const actual = `HTTP ${error.status} ${stringifyJson(error.body)}`;
  if (expected.status !== undefined && error.status !== expected.status) {
    return `Expected error status ${expected.status}; actual: ${actual}`;
  }
  if (expected.message !== undefined && !message.includes(expected.message)) {
    return `Expected error message containing ${JSON.stringify(expected.message)}; actual: ${actual}`;
  }
  if (expected.type?.endsWith('.KsqlStatementErrorMessage')) {
    const text = typeof body.statementText === 'string' ? body.statementText : undefined;
    if (body['@type'] !== 'statement_error' || text === undefined) {
      return `Expected a statement error (KsqlStatementErrorMessage); actual: ${actual}`;
    }
    if (!text.includes(lastStatement)) {
      return `Expected the error's statementText to contain ${JSON.stringify(lastStatement)}; actual: ${actual}`;
    }
  }
  return undefined;
}
