import { isCompatibilityLevel } from './compatibility.js';
import { invalidCompatibility, invalidMode, invalidSchema, invalidVersion, RegistryError } from './errors.js';
import { SCHEMA_TYPES, type SchemaReference, type SchemaType } from './schema-types.js';
import { MODES, type Mode, type SchemaDefinition, type SchemaStore, canonicalDefinition } from './store.js';

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
  if (at('schemas', 'ids', '*') && method === 'GET') return schemaBody(store.definition(parseId(s[2])));
  if (at('schemas', 'ids', '*', 'schema') && method === 'GET') return store.schemaById(parseId(s[2]));
  if (at('schemas', 'ids', '*', 'versions') && method === 'GET') return store.usages(parseId(s[2]));
  if (at('schemas', 'types') && method === 'GET') return [...SCHEMA_TYPES].sort();
  if (at('subjects') && method === 'GET') return store.subjectNames();
  if (at('subjects', '*')) {
    if (method === 'POST') return store.lookup(s[1], schemaText(req.body));
    if (method === 'DELETE') return store.deleteSubject(s[1], query.get('permanent') === 'true');
  }
  if (at('subjects', '*', 'versions')) {
    if (method === 'GET') return store.versions(s[1]);
    if (method === 'POST') {
      const imported = importedIdentity(req.body);
      return { id: await store.register(s[1], schemaText(req.body), imported) };
    }
  }
  if (at('subjects', '*', 'versions', '*', 'referencedby') && method === 'GET')
    return store.referencedBy(s[1], parseVersion(s[3]));
  if (at('mode')) {
    if (method === 'GET') return { mode: store.mode };
    if (method === 'PUT') {
      const mode = modeOf(req.body);
      await store.setMode(null, mode, query.get('force') === 'true');
      return { mode };
    }
  }
  if (at('mode', '*')) {
    if (method === 'GET') {
      const mode = store.subjectModeOf(s[1]);
      if (mode) return { mode };
      if (query.get('defaultToGlobal') === 'true') return { mode: store.mode };
      throw new RegistryError(40409, `Subject '${s[1]}' does not have subject-level mode configured`);
    }
    if (method === 'PUT') {
      const mode = modeOf(req.body);
      await store.setMode(s[1], mode, query.get('force') === 'true');
      return { mode };
    }
    if (method === 'DELETE') {
      const previous = store.effectiveMode(s[1]);
      await store.setMode(s[1], null, false);
      return { mode: previous };
    }
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

function schemaBody(definition: SchemaDefinition) {
  return {
    schema: definition.schema,
    ...(definition.schemaType === 'AVRO' ? {} : { schemaType: definition.schemaType }),
    ...(definition.references.length > 0 ? { references: definition.references } : {}),
  };
}

/** `id` and `version` of a register body: accepted in IMPORT mode only (the store checks). */
function importedIdentity(body: unknown): { id?: number; version?: number } | undefined {
  const { id, version } = body as Record<string, unknown>;
  if (id === undefined && version === undefined) return undefined;
  const positive = (name: string, value: unknown) => {
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || (value as number) < 1)
      throw invalidSchema(`"${name}" must be a positive integer, got ${JSON.stringify(value)}`);
    return value as number;
  };
  return { id: positive('id', id), version: positive('version', version) };
}

function modeOf(body: unknown): Mode {
  const mode = (body as Record<string, unknown> | null)?.mode;
  const upper = typeof mode === 'string' ? mode.toUpperCase() : mode;
  if (!(MODES as readonly unknown[]).includes(upper)) throw invalidMode(mode);
  return upper as Mode;
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
 * The schema of a register/lookup/compatibility body: `schemaType` (AVRO when absent), the text, and
 * `references`; schemas over the size limit are refused before parsing (a parsed schema costs
 * several times its size).
 */
function schemaOf(body: unknown, maxSchemaBytes: number): SchemaDefinition {
  if (typeof body !== 'object' || body === null) throw invalidSchema('request body must be a JSON object');
  const { schema, schemaType, references } = body as Record<string, unknown>;
  const type = schemaType === undefined || schemaType === null ? 'AVRO' : schemaType;
  if (!(SCHEMA_TYPES as readonly unknown[]).includes(type))
    throw invalidSchema(
      `unknown schemaType ${JSON.stringify(schemaType)} (expected one of ${SCHEMA_TYPES.join(', ')})`,
    );
  if (typeof schema !== 'string') throw invalidSchema('"schema" must be a string holding the schema');
  const bytes = Buffer.byteLength(schema, 'utf8');
  if (bytes > maxSchemaBytes) {
    throw invalidSchema(
      `the schema is ${bytes} bytes, over this registry's limit of ${maxSchemaBytes} bytes`,
    );
  }
  return canonicalDefinition(type as SchemaType, schema, referencesOf(references));
}

function referencesOf(value: unknown): SchemaReference[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidSchema('"references" must be an array');
  return value.map((ref, i) => {
    const { name, subject, version } = (ref ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof subject !== 'string' || !Number.isInteger(version))
      throw invalidSchema(`references[${i}] needs a name, a subject and an integer version`);
    return { name, subject, version: version as number };
  });
}

function compatibilityOf(body: unknown) {
  const level = (body as Record<string, unknown> | null)?.compatibility;
  const upper = typeof level === 'string' ? level.toUpperCase() : level;
  if (!isCompatibilityLevel(upper)) throw invalidCompatibility(level);
  return upper;
}
