import type { RegisteredSchema } from '../format/format.js';
import type { SchemaRegistryWithIds } from './qtt-backend.js';

/**
 * The Schema Registry of one test case (ksqlDB's MockSchemaRegistryClient): subjects with their
 * versions, ids counted from 1, the same schema text sharing one id across subjects, and fixed
 * ids for test topics that name one (`valueSchemaId`).
 */
export class QttSchemaRegistry implements SchemaRegistryWithIds {
  private readonly byIds = new Map<number, RegisteredSchema>();
  private readonly subjects = new Map<string, number[]>();
  private nextId = 1;

  async register(subject: string, schema: RegisteredSchema): Promise<number> {
    let id = [...this.byIds].find(([, s]) => sameSchema(s, schema))?.[0];
    if (id === undefined) {
      while (this.byIds.has(this.nextId)) this.nextId++;
      id = this.nextId++;
      this.byIds.set(id, schema);
    }
    this.addVersion(subject, id);
    return id;
  }

  async registerWithId(subject: string, schema: RegisteredSchema, id: number): Promise<void> {
    const existing = this.byIds.get(id);
    if (existing && !sameSchema(existing, schema)) {
      throw new Error(`schema id ${id} is already taken by another schema`);
    }
    this.byIds.set(id, schema);
    this.addVersion(subject, id);
  }

  async latest(
    subject: string,
  ): Promise<{ readonly id: number; readonly schema: RegisteredSchema } | undefined> {
    const ids = this.subjects.get(subject);
    if (!ids?.length) return undefined;
    const id = ids[ids.length - 1];
    return { id, schema: this.byIds.get(id)! };
  }

  async version(
    subject: string,
    version: number,
  ): Promise<{ readonly id: number; readonly schema: RegisteredSchema } | undefined> {
    const id = this.subjects.get(subject)?.[version - 1];
    return id === undefined ? undefined : { id, schema: this.byIds.get(id)! };
  }

  async byId(id: number): Promise<RegisteredSchema> {
    const s = this.byIds.get(id);
    if (!s) throw new Error(`Schema ${id} not found`);
    return s;
  }

  private addVersion(subject: string, id: number): void {
    const ids = this.subjects.get(subject) ?? [];
    if (ids[ids.length - 1] !== id) ids.push(id);
    this.subjects.set(subject, ids);
  }
}

/** The same registered schema: type, text and references. */
function sameSchema(a: RegisteredSchema, b: RegisteredSchema): boolean {
  return (
    a.schema === b.schema &&
    a.schemaType === b.schemaType &&
    JSON.stringify(a.references ?? []) === JSON.stringify(b.references ?? [])
  );
}
