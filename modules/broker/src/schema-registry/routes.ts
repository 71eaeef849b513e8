import { isCompatibilityLevel } from './compatibility.js';
import { invalidCompatibility, invalidSchema, invalidVersion, RegistryError } from './errors.js';
import type { SchemaStore } from './store.js';

export interface RegistryRequest {
  method: string;
  /** Path segments, URI-decoded. */
  segments: string[];
  query: URLSearchParams;
  body: unknown;
}

export interface RegistryLimits {
  /** Largest schema text in UTF-8 bytes (42201 beyond). */
  maxSchemaBytes: number;
}

/** Answers one REST request of the Confluent Schema Registry API; throws RegistryError. */
export async function route(
  store: SchemaStore,
  req: RegistryRequest,
  limits: RegistryLimits,
): Promise<unknown> {
  const { method, segments: s, query } = req;
  const schemaText = (body: unknown) => schemaOf(body, limits.maxSchemaBytes);
  const at = (...path: string[]) => s.length === path.length && path.every((p, i) => p === '*' || p === s[i]);

  if (method === 'GET' && s.length === 0) return {};
  if (at('schemas', 'ids', '*') && method === 'GET') return schemaBody(store.schemaById(parseId(s[2])));
  if (at('schemas', 'ids', '*', 'schema') && method === 'GET') return store.schemaById(parseId(s[2]));
  if (at('schemas', 'ids', '*', 'versions') && method === 'GET') return store.usages(parseId(s[2]));
  if (at('schemas', 'types') && method === 'GET') return ['AVRO'];
  if (at('subjects') && method === 'GET') return store.subjectNames();
  if (at('subjects', '*')) {
    if (method === 'POST') return store.lookup(s[1], schemaText(req.body));
    if (method === 'DELETE') return store.deleteSubject(s[1], query.get('permanent') === 'true');
  }
  if (at('subjects', '*', 'versions')) {
    if (method === 'GET') return store.versions(s[1]);
    if (method === 'POST') return { id: await store.register(s[1], schemaText(req.body)) };
  }
  if (at('subjects', '*', 'versions', '*') && method === 'GET')
    return store.version(s[1], parseVersion(s[3]));
  if (at('subjects', '*', 'versions', '*', 'schema') && method === 'GET') {
    return store.version(s[1], parseVersion(s[3])).schema;
  }
  if (at('config')) {
    if (method === 'GET') return { compatibilityLevel: store.compatibility };
    if (method === 'PUT') {
      const level = compatibilityOf(req.body);
      await store.setCompatibility(null, level);
      return { compatibility: level };
    }
  }
  if (at('config', '*')) {
    if (method === 'GET') {
      const level =
        query.get('defaultToGlobal') === 'true'
          ? store.effectiveCompatibility(s[1])
          : store.subjectCompatibility(s[1]);
      return { compatibilityLevel: level };
    }
    if (method === 'PUT') {
      const level = compatibilityOf(req.body);
      await store.setCompatibility(s[1], level);
      return { compatibility: level };
    }
    if (method === 'DELETE') {
      const previous = store.subjectCompatibility(s[1]);
      await store.setCompatibility(s[1], null);
      return { compatibilityLevel: previous };
    }
  }
  if (at('compatibility', 'subjects', '*', 'versions', '*') && method === 'POST') {
    const problems = store.checkCompatibility(s[2], schemaText(req.body), parseVersion(s[4]));
    return query.get('verbose') === 'true'
      ? { is_compatible: problems.length === 0, messages: problems }
      : { is_compatible: problems.length === 0 };
  }
  throw new RegistryError(404, `No such endpoint: ${method} /${s.join('/')}`);
}

function schemaBody(schema: string) {
  return { schema };
}

function parseId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1) throw new RegistryError(40403, `Schema ${text} not found.`);
  return id;
}

/** A version number, or -1 for "latest" (Confluent accepts -1 as latest too). */
function parseVersion(text: string): number {
  if (text === 'latest' || text === '-1') return -1;
  const version = Number(text);
  if (!Number.isInteger(version) || version < 1 || version > 2 ** 31 - 1) throw invalidVersion(text);
  return version;
}

/**
 * The Avro schema text of a register/lookup/compatibility body; other schema types and schemas
 * over the size limit are refused (before parsing: a parsed schema costs several times its size).
 */
function schemaOf(body: unknown, maxSchemaBytes: number): string {
  if (typeof body !== 'object' || body === null) throw invalidSchema('request body must be a JSON object');
  const { schema, schemaType, references } = body as Record<string, unknown>;
  if (schemaType !== undefined && schemaType !== null && schemaType !== 'AVRO') {
    throw invalidSchema(`schemaType ${String(schemaType)} is not supported by this registry (only AVRO)`);
  }
  if (Array.isArray(references) && references.length > 0) {
    throw invalidSchema('schema references are not supported by this registry');
  }
  if (typeof schema !== 'string') throw invalidSchema('"schema" must be a string holding the schema');
  const bytes = Buffer.byteLength(schema, 'utf8');
  if (bytes > maxSchemaBytes) {
    throw invalidSchema(
      `the schema is ${bytes} bytes, over this registry's limit of ${maxSchemaBytes} bytes`,
    );
  }
  return schema;
}

function compatibilityOf(body: unknown) {
  const level = (body as Record<string, unknown> | null)?.compatibility;
  const upper = typeof level === 'string' ? level.toUpperCase() : level;
  if (!isCompatibilityLevel(upper)) throw invalidCompatibility(level);
  return upper;
}
