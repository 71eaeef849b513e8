import { trustedFetch } from '@meterstream/common';
import type { RegisteredSchema, SchemaRegistry } from './format.js';

/**
 * Schema Registry clients: one in memory (tests, the QTT runner, an embedded engine without a
 * registry) and one over Confluent's REST API.
 */

/** The text a registry compares schemas by: JSON re-serialized without insignificant whitespace. */
function normalized(schema: RegisteredSchema): string {
  const refs = schema.references?.length ? `:${JSON.stringify(schema.references)}` : '';
  try {
    return `${schema.schemaType}:${JSON.stringify(JSON.parse(schema.schema))}${refs}`;
  } catch {
    return `${schema.schemaType}:${schema.schema}${refs}`;
  }
}

/** The stored form of a schema: its type, text and (when any) references. */
function stored(schema: RegisteredSchema): RegisteredSchema {
  return schema.references?.length
    ? { schemaType: schema.schemaType, schema: schema.schema, references: schema.references }
    : { schemaType: schema.schemaType, schema: schema.schema };
}

/** A registry in memory: ids from 1, one id per distinct schema, versions per subject from 1. */
export class InMemorySchemaRegistry implements SchemaRegistry {
  private readonly byIdMap = new Map<number, RegisteredSchema>();
  private readonly idByText = new Map<string, number>();
  private readonly subjects = new Map<string, number[]>();

  async register(subject: string, schema: RegisteredSchema): Promise<number> {
    return this.registerSync(subject, schema);
  }

  /** Synchronous registration, for test set-up. */
  registerSync(subject: string, schema: RegisteredSchema): number {
    const key = normalized(schema);
    let id = this.idByText.get(key);
    if (id === undefined) {
      id = this.nextId();
      this.idByText.set(key, id);
      this.byIdMap.set(id, stored(schema));
    }
    this.addVersion(subject, id);
    return id;
  }

  /**
   * Registers a schema under a given id (the QTT files name the ids their statements use in
   * *_SCHEMA_ID). Fails when the id holds a different schema.
   */
  registerWithId(subject: string, schema: RegisteredSchema, id: number): number {
    const existing = this.byIdMap.get(id);
    if (existing && normalized(existing) !== normalized(schema)) {
      throw new Error(`Schema id ${id} is already taken by another schema`);
    }
    if (!existing) {
      this.byIdMap.set(id, stored(schema));
      this.idByText.set(normalized(schema), id);
    }
    this.addVersion(subject, id);
    return id;
  }

  private nextId(): number {
    let max = 0;
    for (const id of this.byIdMap.keys()) if (id > max) max = id;
    return max + 1;
  }

  private addVersion(subject: string, id: number): void {
    const versions = this.subjects.get(subject) ?? [];
    // Registering the schema a subject already has under some version returns that id, adds nothing.
    if (!versions.includes(id)) versions.push(id);
    this.subjects.set(subject, versions);
  }

  async latest(
    subject: string,
  ): Promise<{ readonly id: number; readonly schema: RegisteredSchema } | undefined> {
    const versions = this.subjects.get(subject);
    if (!versions || versions.length === 0) return undefined;
    const id = versions[versions.length - 1];
    return { id, schema: this.byIdMap.get(id)! };
  }

  async version(
    subject: string,
    version: number,
  ): Promise<{ readonly id: number; readonly schema: RegisteredSchema } | undefined> {
    const id = this.subjects.get(subject)?.[version - 1];
    return id === undefined ? undefined : { id, schema: this.byIdMap.get(id)! };
  }

  async byId(id: number): Promise<RegisteredSchema> {
    const schema = this.byIdMap.get(id);
    if (!schema) throw new Error(`Schema ${id} not found; error code: 40403`);
    return schema;
  }

  /** Subjects and their versions' ids (for tests and SHOW-like listings). */
  listSubjects(): ReadonlyMap<string, readonly number[]> {
    return this.subjects;
  }

  /** Forgets a subject's versions (DROP … DELETE TOPIC deletes the subjects too). */
  deleteSubject(subject: string): void {
    this.subjects.delete(subject);
  }
}

/**
 * Confluent Schema Registry over HTTP (global fetch). Not @kafkajs/confluent-schema-registry: its
 * getSchema(id) returns a parsed schema object rather than the registered text the engine needs
 * for inference, and it has no call for a subject's latest schema text. Schemas by id never
 * change, so they are cached.
 */
export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly cache = new Map<number, RegisteredSchema>();
  private readonly base: string;

  constructor(
    url: string,
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  private async call(
    path: string,
    init?: { method: string; body: string },
  ): Promise<{ status: number; body: unknown }> {
    const res = await trustedFetch(`${this.base}${path}`, {
      method: init?.method ?? 'GET',
      headers: {
        'Content-Type': 'application/vnd.schemaregistry.v1+json',
        Accept: 'application/vnd.schemaregistry.v1+json, application/json',
        ...this.headers,
      },
      body: init?.body,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // a proxy's HTML error page: keep the text for the message
    }
    return { status: res.status, body };
  }

  private static fail(what: string, status: number, body: unknown): never {
    const message = (body as { message?: string } | undefined)?.message ?? String(body);
    const error = new Error(`Schema Registry ${what} failed (HTTP ${status}): ${message}`) as Error & {
      status: number;
    };
    error.status = status;
    throw error;
  }

  async register(subject: string, schema: RegisteredSchema): Promise<number> {
    const payload: Record<string, unknown> = { schema: schema.schema };
    // The registry's default type is AVRO; older registries reject the field.
    if (schema.schemaType !== 'AVRO') payload.schemaType = schema.schemaType;
    if (schema.references?.length) payload.references = schema.references;
    const { status, body } = await this.call(`/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      body: JSON.stringify(payload),
    });
    if (status !== 200) HttpSchemaRegistry.fail(`registering under ${subject}`, status, body);
    const id = (body as { id: number }).id;
    this.cache.set(id, stored(schema));
    return id;
  }

  /**
   * Registers a schema under a given id, as Confluent allows only in IMPORT mode: the subject is put
   * in IMPORT mode (forced: it may hold versions already), the schema posted with its id, and the
   * subject's mode removed again. A registry without modes answers an error naming the step.
   */
  async registerWithId(subject: string, schema: RegisteredSchema, id: number): Promise<void> {
    const mode = `/mode/${encodeURIComponent(subject)}`;
    const put = await this.call(`${mode}?force=true`, {
      method: 'PUT',
      body: JSON.stringify({ mode: 'IMPORT' }),
    });
    if (put.status !== 200)
      HttpSchemaRegistry.fail(`putting ${subject} in IMPORT mode`, put.status, put.body);
    try {
      const payload: Record<string, unknown> = { schema: schema.schema, id };
      if (schema.schemaType !== 'AVRO') payload.schemaType = schema.schemaType;
      if (schema.references?.length) payload.references = schema.references;
      const { status, body } = await this.call(`/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        body: JSON.stringify(payload),
      });
      if (status !== 200) HttpSchemaRegistry.fail(`registering under ${subject} with id ${id}`, status, body);
      this.cache.set(id, stored(schema));
    } finally {
      await this.call(mode, { method: 'DELETE', body: '' });
    }
  }

  /** A registry answer (`{schema, schemaType?, references?}`) as a RegisteredSchema. */
  private static schemaOf(b: {
    schema: string;
    schemaType?: RegisteredSchema['schemaType'];
    references?: RegisteredSchema['references'];
  }): RegisteredSchema {
    return stored({ schemaType: b.schemaType ?? 'AVRO', schema: b.schema, references: b.references });
  }

  async version(
    subject: string,
    version: number,
  ): Promise<{ readonly id: number; readonly schema: RegisteredSchema } | undefined> {
    const { status, body } = await this.call(`/subjects/${encodeURIComponent(subject)}/versions/${version}`);
    if (status === 404) return undefined;
    if (status !== 200) HttpSchemaRegistry.fail(`reading version ${version} of ${subject}`, status, body);
    const b = body as { id: number; schema: string };
    const schema = HttpSchemaRegistry.schemaOf(b);
    this.cache.set(b.id, schema);
    return { id: b.id, schema };
  }

  async latest(
    subject: string,
  ): Promise<{ readonly id: number; readonly schema: RegisteredSchema } | undefined> {
    const { status, body } = await this.call(`/subjects/${encodeURIComponent(subject)}/versions/latest`);
    if (status === 404) return undefined;
    if (status !== 200) HttpSchemaRegistry.fail(`reading the latest schema of ${subject}`, status, body);
    const b = body as { id: number; schema: string };
    const schema = HttpSchemaRegistry.schemaOf(b);
    this.cache.set(b.id, schema);
    return { id: b.id, schema };
  }

  async byId(id: number): Promise<RegisteredSchema> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const { status, body } = await this.call(`/schemas/ids/${id}`);
    if (status !== 200) HttpSchemaRegistry.fail(`reading schema ${id}`, status, body);
    const schema = HttpSchemaRegistry.schemaOf(body as { schema: string });
    this.cache.set(id, schema);
    return schema;
  }
}
