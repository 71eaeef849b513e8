import { mkdirSync, openSync, readFileSync, closeSync, existsSync, ftruncateSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CompatibilityLevel } from './compatibility.js';
import {
  idTaken,
  incompatibleSchema,
  invalidSchema,
  operationNotPermitted,
  schemaNotFound,
  subjectConfigNotFound,
  subjectNotFound,
  versionNotFound,
} from './errors.js';
import {
  type ParsedSchema,
  type SchemaReference,
  type SchemaType,
  canonicalSchema,
  compatibilityProblems,
  parseSchema,
} from './schema-types.js';

export const MODES = ['READWRITE', 'READONLY', 'IMPORT'] as const;
export type Mode = (typeof MODES)[number];

/** A schema as registered: its type (absent in journals older than schema types: AVRO), text, references. */
export interface SchemaDefinition {
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

/** One line of the registry's journal; replayed in order on start. */
type JournalEntry =
  | { op: 'schema'; id: number; schema: string; schemaType?: SchemaType; references?: SchemaReference[] }
  | { op: 'version'; subject: string; version: number; id: number }
  | { op: 'config'; subject: string | null; compatibility: CompatibilityLevel | null }
  | { op: 'mode'; subject: string | null; mode: Mode | null }
  | { op: 'delete-subject'; subject: string; permanent: boolean };

interface SubjectVersion {
  version: number;
  id: number;
  deleted: boolean;
}

export interface SchemaVersionView {
  subject: string;
  version: number;
  id: number;
  schema: string;
  /** Present when not AVRO, as Confluent answers. */
  schemaType?: SchemaType;
  references?: SchemaReference[];
}

const JOURNAL_FILE = 'schemas.jsonl';

/**
 * Schemas, subjects and compatibility config, kept in memory and journaled to one append-only
 * JSON-lines file in the data directory. Every change is fsynced before it is acknowledged, and
 * changes run one at a time so a check-then-register is atomic.
 */
export class SchemaStore {
  private readonly schemas = new Map<number, SchemaDefinition & { parsed: ParsedSchema }>();
  private readonly idBySchema = new Map<string, number>();
  private readonly subjects = new Map<string, SubjectVersion[]>();
  private readonly subjectConfig = new Map<string, CompatibilityLevel>();
  private globalCompatibility: CompatibilityLevel = 'BACKWARD';
  private readonly subjectMode = new Map<string, Mode>();
  private globalMode: Mode = 'READWRITE';
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly journal: FileHandle,
    private readonly log: Logger,
  ) {}

  static async open(dataDir: string, log: Logger): Promise<SchemaStore> {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, JOURNAL_FILE);
    const entries = existsSync(path) ? readJournal(path, log) : [];
    const store = new SchemaStore(await open(path, 'a'), log);
    for (const entry of entries) store.apply(entry);
    return store;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.journal.close();
  }

  get compatibility(): CompatibilityLevel {
    return this.globalCompatibility;
  }

  subjectNames(): string[] {
    return [...this.subjects.entries()].filter(([, v]) => v.some((x) => !x.deleted)).map(([name]) => name);
  }

  versions(subject: string): number[] {
    return this.liveVersions(subject).map((v) => v.version);
  }

  schemaById(id: number): string {
    return this.definition(id).schema;
  }

  /** The registered schema `id`: type, text, references. */
  definition(id: number): SchemaDefinition {
    const found = this.schemas.get(id);
    if (!found) throw schemaNotFound(`id ${id}`);
    return { schemaType: found.schemaType, schema: found.schema, references: found.references };
  }

  /** Ids of the schemas whose references name `subject` at `version`. */
  referencedBy(subject: string, version: number): number[] {
    const resolved = this.version(subject, version).version;
    const ids: number[] = [];
    for (const [id, s] of this.schemas) {
      if (s.references.some((r) => r.subject === subject && r.version === resolved)) ids.push(id);
    }
    return ids.sort((a, b) => a - b);
  }

  get mode(): Mode {
    return this.globalMode;
  }

  subjectModeOf(subject: string): Mode | undefined {
    return this.subjectMode.get(subject);
  }

  effectiveMode(subject: string): Mode {
    return this.subjectMode.get(subject) ?? this.globalMode;
  }

  /**
   * Sets the global (subject null) or a subject's mode; null removes a subject's. As Confluent,
   * IMPORT may only be entered where no schema is registered yet, unless forced.
   */
  setMode(subject: string | null, mode: Mode | null, force: boolean): Promise<void> {
    return this.serialized(async () => {
      if (mode === 'IMPORT' && !force) {
        const taken = subject === null ? this.subjectNames().length > 0 : this.hasLive(subject);
        if (taken)
          throw operationNotPermitted(
            `Cannot import since found existing subjects${subject === null ? '' : ` (${subject})`}; use force=true`,
          );
      }
      await this.persist([{ op: 'mode', subject, mode }]);
    });
  }

  /** Subjects and versions that use schema `id`. */
  usages(id: number): { subject: string; version: number }[] {
    this.schemaById(id);
    const out: { subject: string; version: number }[] = [];
    for (const [subject, versions] of this.subjects) {
      for (const v of versions) if (v.id === id && !v.deleted) out.push({ subject, version: v.version });
    }
    return out;
  }

  /** `version` is a number, or -1 for the latest. */
  version(subject: string, version: number): SchemaVersionView {
    const live = this.liveVersions(subject);
    const found = version === -1 ? live[live.length - 1] : live.find((v) => v.version === version);
    if (!found) throw versionNotFound(subject, version === -1 ? 'latest' : version);
    return this.view(subject, found.version, found.id);
  }

  lookup(subject: string, definition: SchemaDefinition): SchemaVersionView {
    const live = this.liveVersions(subject);
    const id = this.idBySchema.get(schemaKey(definition));
    const found = id === undefined ? undefined : live.find((v) => v.id === id);
    if (!found) throw schemaNotFound(`in subject '${subject}'`);
    return this.view(subject, found.version, found.id);
  }

  private view(subject: string, version: number, id: number): SchemaVersionView {
    const s = this.definition(id);
    return {
      subject,
      version,
      id,
      schema: s.schema,
      ...(s.schemaType === 'AVRO' ? {} : { schemaType: s.schemaType }),
      ...(s.references.length > 0 ? { references: s.references } : {}),
    };
  }

  subjectCompatibility(subject: string): CompatibilityLevel {
    const level = this.subjectConfig.get(subject);
    if (!level) throw subjectConfigNotFound(subject);
    return level;
  }

  effectiveCompatibility(subject: string): CompatibilityLevel {
    return this.subjectConfig.get(subject) ?? this.globalCompatibility;
  }

  /** Problems that keep `schema` from being registered under `subject` against `version` (-1 latest). */
  checkCompatibility(subject: string, definition: SchemaDefinition, version: number): string[] {
    const candidate = this.parse(definition);
    const target = this.version(subject, version);
    const level = this.effectiveCompatibility(subject);
    const against =
      level.endsWith('_TRANSITIVE') && version === -1
        ? this.liveVersions(subject).map((v) => this.schemas.get(v.id)!.parsed)
        : [this.schemas.get(target.id)!.parsed];
    return compatibilityProblems(level, candidate, against);
  }

  /**
   * Registers a schema under `subject`; returns its global id (the same id for the same schema).
   * With `id` (Confluent's IMPORT mode only: migrating a registry keeps its ids) the schema gets that
   * id, and `version` that version; compatibility is not checked while importing.
   */
  register(
    subject: string,
    definition: SchemaDefinition,
    imported?: { id?: number; version?: number },
  ): Promise<number> {
    return this.serialized(async () => {
      const mode = this.effectiveMode(subject);
      if (mode === 'READONLY') throw operationNotPermitted(`Subject ${subject} is in read-only mode`);
      const importing = imported?.id !== undefined || imported?.version !== undefined;
      if (importing && mode !== 'IMPORT')
        throw operationNotPermitted(
          `Subject ${subject} is not in import mode: an id or version cannot be given`,
        );
      const parsed = this.parse(definition);
      const key = schemaKey(definition);
      const live = (this.subjects.get(subject) ?? []).filter((v) => !v.deleted);
      const knownId = this.idBySchema.get(key);
      if (imported?.id !== undefined) {
        const holder = this.schemas.get(imported.id);
        if (holder && schemaKey(holder) !== key) throw idTaken(imported.id);
      } else if (knownId !== undefined && live.some((v) => v.id === knownId)) return knownId;
      if (!importing) {
        const existing = live.map((v) => this.schemas.get(v.id)!.parsed);
        const problems = compatibilityProblems(this.effectiveCompatibility(subject), parsed, existing);
        if (problems.length > 0) throw incompatibleSchema(subject, problems.join('; '));
      }
      const id = imported?.id ?? knownId ?? this.nextId;
      const all = this.subjects.get(subject) ?? [];
      if (imported?.id !== undefined && live.some((v) => v.id === id)) return id;
      const entries: JournalEntry[] = [];
      if (!this.schemas.has(id)) {
        entries.push({
          op: 'schema',
          id,
          schema: definition.schema,
          ...(definition.schemaType === 'AVRO' ? {} : { schemaType: definition.schemaType }),
          ...(definition.references.length > 0 ? { references: definition.references } : {}),
        });
      }
      const version = imported?.version ?? (all[all.length - 1]?.version ?? 0) + 1;
      if (all.some((v) => v.version === version))
        throw operationNotPermitted(`Version ${version} of subject ${subject} already exists`);
      entries.push({ op: 'version', subject, version, id });
      await this.persist(entries);
      return id;
    });
  }

  /** Parses a definition (42201 when invalid, or when a reference names no registered version). */
  private parse(definition: SchemaDefinition): ParsedSchema {
    for (const ref of definition.references) {
      try {
        this.version(ref.subject, ref.version);
      } catch {
        throw invalidSchema(
          `reference ${ref.name} names ${ref.subject} version ${ref.version}, which is not registered`,
        );
      }
    }
    return parseSchema(definition.schemaType, definition.schema);
  }

  private hasLive(subject: string): boolean {
    return (this.subjects.get(subject) ?? []).some((v) => !v.deleted);
  }

  setCompatibility(subject: string | null, level: CompatibilityLevel | null): Promise<void> {
    return this.serialized(() => this.persist([{ op: 'config', subject, compatibility: level }]));
  }

  /** Deletes a subject's versions (soft, or permanent after a soft delete); returns them. */
  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.serialized(async () => {
      const all = this.subjects.get(subject);
      if (!all || all.length === 0) throw subjectNotFound(subject);
      const versions = (permanent ? all : all.filter((v) => !v.deleted)).map((v) => v.version);
      if (versions.length === 0) throw subjectNotFound(subject);
      await this.persist([{ op: 'delete-subject', subject, permanent }]);
      return versions;
    });
  }

  private liveVersions(subject: string): SubjectVersion[] {
    const live = (this.subjects.get(subject) ?? []).filter((v) => !v.deleted);
    if (live.length === 0) throw subjectNotFound(subject);
    return live;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Journals then applies, so memory never holds what the disk might not. */
  private async persist(entries: JournalEntry[]): Promise<void> {
    const text = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
    await this.journal.appendFile(text, 'utf8');
    await this.journal.datasync();
    for (const entry of entries) this.apply(entry);
  }

  private apply(entry: JournalEntry): void {
    switch (entry.op) {
      case 'schema': {
        const definition: SchemaDefinition = {
          schemaType: entry.schemaType ?? 'AVRO',
          schema: entry.schema,
          references: entry.references ?? [],
        };
        this.schemas.set(entry.id, {
          ...definition,
          parsed: parseSchema(definition.schemaType, entry.schema),
        });
        if (!this.idBySchema.has(schemaKey(definition))) this.idBySchema.set(schemaKey(definition), entry.id);
        this.nextId = Math.max(this.nextId, entry.id + 1);
        break;
      }
      case 'mode':
        if (entry.subject === null) this.globalMode = entry.mode ?? 'READWRITE';
        else if (entry.mode === null) this.subjectMode.delete(entry.subject);
        else this.subjectMode.set(entry.subject, entry.mode);
        break;
      case 'version': {
        const list = this.subjects.get(entry.subject) ?? [];
        list.push({ version: entry.version, id: entry.id, deleted: false });
        this.subjects.set(entry.subject, list);
        break;
      }
      case 'config':
        if (entry.subject === null) this.globalCompatibility = entry.compatibility ?? 'BACKWARD';
        else if (entry.compatibility === null) this.subjectConfig.delete(entry.subject);
        else this.subjectConfig.set(entry.subject, entry.compatibility);
        break;
      case 'delete-subject': {
        const list = this.subjects.get(entry.subject) ?? [];
        if (entry.permanent) this.subjects.delete(entry.subject);
        else for (const v of list) v.deleted = true;
        break;
      }
    }
    this.log.debug({ entry }, 'schema registry change applied');
  }
}

/**
 * A definition in canonical form (schema-types.ts' canonicalSchema), so the same schema registered
 * with other whitespace gets the same id.
 */
export function canonicalDefinition(
  schemaType: SchemaType,
  schema: string,
  references: SchemaReference[],
): SchemaDefinition {
  return { schemaType, schema: canonicalSchema(schemaType, schema), references };
}

/** What identifies a schema: type, canonical text and references. */
function schemaKey(definition: SchemaDefinition): string {
  const refs = definition.references.length > 0 ? `\n${JSON.stringify(definition.references)}` : '';
  return `${definition.schemaType}\n${definition.schema}${refs}`;
}

/** Reads the journal; a torn last line (crash during a write that was never acknowledged) is cut off. */
function readJournal(path: string, log: Logger): JournalEntry[] {
  const text = readFileSync(path, 'utf8');
  const entries: JournalEntry[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    if (line.length === 0) {
      offset += 1;
      continue;
    }
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch (err) {
      log.warn(
        { path, byteOffset: offset, err },
        'schema registry journal ends in a torn line; truncating it',
      );
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, offset)));
      closeSync(fd);
      break;
    }
    offset += line.length + 1;
  }
  return entries;
}
