import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import {
  isJsonObject,
  JsonNumber,
  type JsonObject,
  type JsonValue,
  parseJson,
  stringifyJson,
} from './json-text.js';
import type {
  QttExpectedException,
  QttFile,
  QttHeader,
  QttInvalidTest,
  QttPostConditions,
  QttPostSource,
  QttPostTopic,
  QttPostTopicFormat,
  QttRecord,
  QttSchemaReference,
  QttTestCase,
  QttTopic,
} from './test-model.js';

/**
 * Loads ksqlDB query-validation-test files (the `{"tests": [...]}` JSON) and expands each test's
 * matrices the way ksqlDB's TestCaseBuilder does:
 *   `format`: one case per entry, `{FORMAT}` replaced in every statement, ` - <FORMAT>` appended
 *             to the name;
 *   `config`: one case per entry, the single property whose value is `"{CONFIG}"` set to the entry,
 *             ` - <property>=<entry>` appended;
 * both together give the cross product (formats outer). `"enabled": false` tests are skipped.
 */

export class QttFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QttFormatError';
  }
}

/** Every `.json` file under the paths (directories walked recursively, sorted by name). */
export function listQttFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) {
      for (const entry of readdirSync(p).sort()) {
        const child = join(p, entry);
        if (statSync(child).isDirectory() || entry.endsWith('.json')) walk(child);
      }
    } else out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

export function loadQttFile(path: string): QttFile {
  return parseQttFile(readFileSync(path, 'utf8'), path);
}

export function parseQttFile(text: string, file: string): QttFile {
  const root = parseJson(text);
  if (!isJsonObject(root) || !Array.isArray(root.tests)) {
    throw new QttFormatError(`${file}: not a QTT file (no "tests" array)`);
  }
  const prefix = basename(file, extname(file));
  const tests: QttTestCase[] = [];
  const invalid: QttInvalidTest[] = [];
  let disabled = 0;
  for (const node of root.tests) {
    const name = isJsonObject(node) && typeof node.name === 'string' ? node.name : '';
    try {
      if (!isJsonObject(node)) throw new QttFormatError('a test must be an object');
      if (node.enabled === false) {
        disabled++;
        continue;
      }
      tests.push(...buildTests(node, file, prefix));
    } catch (err) {
      invalid.push({ file, name: `${prefix} - ${name}`, message: (err as Error).message });
    }
  }
  return { file, tests, invalid, disabled };
}

function buildTests(node: JsonObject, file: string, prefix: string): QttTestCase[] {
  const simpleName = str(node.name, 'name');
  if (simpleName === '') throw new QttFormatError('missing field: name');
  const statements = list(node.statements, 'statements').map((s) => str(s, 'statements[]'));
  if (statements.length === 0) throw new QttFormatError("invalid field 'statements': was empty");
  const inputs = list(node.inputs, 'inputs').map((r) => record(r, 'inputs'));
  const outputs = list(node.outputs, 'outputs').map((r) => record(r, 'outputs'));
  const expectedException =
    node.expectedException === undefined ? undefined : expected(node.expectedException);
  if (!expectedException && inputs.length === 0 && outputs.length === 0) {
    throw new QttFormatError("invalid field 'outputs': no inputs, outputs or expectedException provided");
  }
  const topics = list(node.topics, 'topics').map(topic);
  const post = node.post === undefined || node.post === null ? undefined : postConditions(node.post);
  const properties: Record<string, string> = {};
  if (node.properties !== undefined && node.properties !== null) {
    if (!isJsonObject(node.properties)) throw new QttFormatError("invalid field 'properties'");
    for (const [k, v] of Object.entries(node.properties)) properties[k] = propertyText(v);
  }

  const formats = list(node.format, 'format').map((f) => str(f, 'format[]'));
  const configs = list(node.config, 'config').map((c) => propertyText(c));
  let configKey: string | undefined;
  if (configs.length > 0) {
    const keys = Object.entries(properties)
      .filter(([, v]) => v.toUpperCase() === '{CONFIG}')
      .map(([k]) => k);
    if (keys.length !== 1) {
      throw new QttFormatError(`'config' needs exactly one property set to "{CONFIG}", found ${keys.length}`);
    }
    configKey = keys[0];
  }

  const cases: QttTestCase[] = [];
  for (const format of formats.length ? formats : [undefined]) {
    for (const config of configs.length ? configs : [undefined]) {
      const props = config === undefined ? properties : { ...properties, [configKey!]: config };
      const cfg = config === undefined ? undefined : `${configKey}=${config}`;
      cases.push({
        file,
        name: `${prefix} - ${simpleName}${format ? ` - ${format}` : ''}${cfg ? ` - ${cfg}` : ''}`,
        simpleName,
        // ksqlDB substitutes an error text when no format is set, so such statements fail to parse.
        statements: statements.map((s) =>
          s.replaceAll(
            '{FORMAT}',
            format ?? "To use {FORMAT} in your statements please set the 'format' test case element",
          ),
        ),
        properties: props,
        topics,
        inputs,
        outputs,
        expectedException,
        post,
        format,
        config: cfg,
      });
    }
  }
  return cases;
}

function propertyText(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'boolean') return String(v);
  if (v === null) return '';
  return stringifyJson(v);
}

function str(v: JsonValue | undefined, field: string): string {
  if (typeof v !== 'string') throw new QttFormatError(`invalid field '${field}': expected a string`);
  return v;
}

function optStr(v: JsonValue | undefined, field: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, field);
}

function int(v: JsonValue | undefined, field: string): number {
  if (!(v instanceof JsonNumber) || !v.isIntegral) {
    throw new QttFormatError(`invalid field '${field}': expected an integer`);
  }
  return v.toNumber();
}

function optInt(v: JsonValue | undefined, field: string): number | undefined {
  return v === undefined || v === null ? undefined : int(v, field);
}

function list(v: JsonValue | undefined, field: string): JsonValue[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new QttFormatError(`invalid field '${field}': expected an array`);
  return v;
}

function obj(v: JsonValue | undefined, field: string): JsonObject {
  if (!isJsonObject(v)) throw new QttFormatError(`invalid field '${field}': expected an object`);
  return v;
}

/** One `inputs`/`outputs` entry (also what the REST conformance runner reads). */
export function record(v: JsonValue, field: string): QttRecord {
  const r = obj(v, field);
  const topic = str(r.topic, `${field}[].topic`);
  if (topic === '') throw new QttFormatError('missing field: topic');
  if (!Object.hasOwn(r, 'value')) throw new QttFormatError(`missing field: ${field}[].value`);
  let window: QttRecord['window'];
  if (r.window !== undefined && r.window !== null) {
    const w = obj(r.window, 'window');
    const type = str(w.type, 'window.type').toUpperCase();
    if (type !== 'SESSION' && type !== 'TIME') throw new QttFormatError(`invalid window type '${type}'`);
    window = { start: int(w.start, 'window.start'), end: int(w.end, 'window.end'), type };
  }
  let headers: QttHeader[] | undefined;
  if (r.headers !== undefined && r.headers !== null) {
    headers = list(r.headers, 'headers').map((h) => {
      const o = obj(h, 'headers[]');
      const value = optStr(o.VALUE, 'headers[].VALUE');
      return {
        key: str(o.KEY, 'headers[].KEY'),
        value: value === undefined ? null : Buffer.from(value, 'base64'),
      };
    });
  }
  return {
    topic,
    key: r.key === undefined ? null : r.key,
    value: r.value,
    timestamp: optInt(r.timestamp, 'timestamp'),
    window,
    headers,
  };
}

/** One `topics` entry. */
export function topic(v: JsonValue): QttTopic {
  const t = obj(v, 'topics[]');
  const name = str(t.name, 'topics[].name');
  if (name === '') throw new QttFormatError("invalid field 'name': empty or missing");
  const schema = (s: JsonValue | undefined) => (s === undefined || s === null ? undefined : s);
  return {
    name,
    partitions: optInt(t.partitions, 'partitions') ?? 1,
    replicas: optInt(t.replicas, 'replicas') ?? 1,
    keyFormat: optStr(t.keyFormat, 'keyFormat'),
    valueFormat: optStr(t.valueFormat ?? t.format, 'valueFormat'),
    keySchema: schema(t.keySchema),
    valueSchema: schema(t.valueSchema ?? t.schema),
    keySchemaId: optInt(t.keySchemaId, 'keySchemaId'),
    valueSchemaId: optInt(t.valueSchemaId, 'valueSchemaId'),
    hasSchemaReferences:
      list(t.keySchemaReferences, 'keySchemaReferences').length +
        list(t.valueSchemaReferences, 'valueSchemaReferences').length >
      0,
    keySchemaReferences: list(t.keySchemaReferences, 'keySchemaReferences').map((r) =>
      schemaReference(r, 'keySchemaReferences'),
    ),
    valueSchemaReferences: list(t.valueSchemaReferences, 'valueSchemaReferences').map((r) =>
      schemaReference(r, 'valueSchemaReferences'),
    ),
  };
}

function schemaReference(v: JsonValue, field: string): QttSchemaReference {
  const r = obj(v, `${field}[]`);
  return {
    name: str(r.name, `${field}[].name`),
    format: optStr(r.format, `${field}[].format`),
    schema: str(r.schema, `${field}[].schema`),
  };
}

function expected(v: JsonValue): QttExpectedException {
  const e = obj(v, 'expectedException');
  const ee = {
    type: optStr(e.type, 'expectedException.type'),
    message: optStr(e.message, 'expectedException.message'),
    cause: optStr(e.cause, 'expectedException.cause'),
    causeMessage: optStr(e.causeMessage, 'expectedException.causeMessage'),
  };
  if (ee.type === undefined && ee.message === undefined) {
    throw new QttFormatError('missing field: expectedException.type or expectedException.message');
  }
  if (ee.causeMessage !== undefined && ee.cause === undefined) {
    throw new QttFormatError('missing field: expectedException.cause');
  }
  return ee;
}

function postConditions(v: JsonValue): QttPostConditions {
  const p = obj(v, 'post');
  const sources = list(p.sources, 'post.sources').map(postSource);
  let topics: QttPostTopic[] = [];
  let blacklist: string | undefined;
  if (p.topics !== undefined && p.topics !== null) {
    const t = obj(p.topics, 'post.topics');
    blacklist = optStr(t.blacklist, 'post.topics.blacklist');
    if (blacklist !== undefined) {
      try {
        new RegExp(blacklist);
      } catch {
        throw new QttFormatError("invalid field 'blacklist': not valid regex");
      }
    }
    topics = list(t.topics, 'post.topics.topics').map(postTopic);
  }
  return { sources, topics, blacklist };
}

function postSource(v: JsonValue): QttPostSource {
  const s = obj(v, 'post.sources[]');
  const name = str(s.name, 'name');
  if (name === '') throw new QttFormatError("invalid field 'name': missing or empty");
  const type = str(s.type, 'type').toUpperCase();
  if (type !== 'STREAM' && type !== 'TABLE')
    throw new QttFormatError("invalid field 'type': must be either STREAM or TABLE");
  let keyFormat: QttPostSource['keyFormat'];
  if (s.keyFormat !== undefined && s.keyFormat !== null) {
    const k = obj(s.keyFormat, 'keyFormat');
    keyFormat = {
      format: optStr(k.format, 'keyFormat.format'),
      windowType: optStr(k.windowType, 'keyFormat.windowType')?.toUpperCase(),
      windowSize: optInt(k.windowSize, 'keyFormat.windowSize'),
    };
  }
  const features = (f: JsonValue | undefined, field: string) =>
    f === undefined || f === null ? undefined : list(f, field).map((x) => str(x, field));
  return {
    name,
    type,
    schema: optStr(s.schema, 'schema'),
    keyFormat,
    valueFormat: optStr(s.valueFormat, 'valueFormat'),
    keyFeatures: features(s.keyFeatures, 'keyFeatures'),
    valueFeatures: features(s.valueFeatures, 'valueFeatures'),
    isSource: typeof s.isSource === 'boolean' ? s.isSource : undefined,
  };
}

function topicFormat(v: JsonValue | undefined, field: string): QttPostTopicFormat {
  if (typeof v === 'string') return { format: v };
  const f = obj(v, field);
  const props: Record<string, string> = {};
  if (isJsonObject(f.properties))
    for (const [k, x] of Object.entries(f.properties)) props[k] = propertyText(x);
  return {
    format: str(f.format, `${field}.format`),
    features:
      f.features === undefined ? undefined : list(f.features, `${field}.features`).map((x) => str(x, field)),
    properties: f.properties === undefined ? undefined : props,
  };
}

function postTopic(v: JsonValue): QttPostTopic {
  const t = obj(v, 'post.topics.topics[]');
  const name = str(t.name, 'name');
  if (name === '') throw new QttFormatError("invalid field 'name': empty or missing");
  const partitions = optInt(t.partitions, 'partitions');
  if (partitions !== undefined && partitions < 1) {
    throw new QttFormatError(`Partition count must be positive, but was: ${partitions}`);
  }
  return {
    name,
    keyFormat: topicFormat(t.keyFormat, 'keyFormat'),
    valueFormat: topicFormat(t.valueFormat, 'valueFormat'),
    partitions,
    keySchemaId: optInt(t.keySchemaId, 'keySchemaId'),
    valueSchemaId: optInt(t.valueSchemaId, 'valueSchemaId'),
    keySchema: t.keySchema === null ? undefined : t.keySchema,
    valueSchema: t.valueSchema === null ? undefined : t.valueSchema,
  };
}
