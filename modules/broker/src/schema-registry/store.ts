import { mkdirSync, openSync, readFileSync, closeSync, existsSync, ftruncateSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type avsc from 'avsc';
import type { Logger } from 'pino';
import { type CompatibilityLevel, compatibilityProblems, parseAvro } from './compatibility.js';
import {
  incompatibleSchema,
  invalidSchema,
  schemaNotFound,
  subjectConfigNotFound,
  subjectNotFound,
  versionNotFound,
} from './errors.js';

/** One line of the registry's journal; replayed in order on start. */
type JournalEntry =
  | { op: 'schema'; id: number; schema: string }
  | { op: 'version'; subject: string; version: number; id: number }
  | { op: 'config'; subject: string | null; compatibility: CompatibilityLevel | null }
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
}

const JOURNAL_FILE = 'schemas.jsonl';

/**
 * Schemas, subjects and compatibility config, kept in memory and journaled to one append-only
 * JSON-lines file in the data directory. Every change is fsynced before it is acknowledged, and
 * changes run one at a time so a check-then-register is atomic.
 */
export class SchemaStore {
  private readonly schemas = new Map<number, { schema: string; type: avsc.Type }>();
  private readonly idBySchema = new Map<string, number>();
  private readonly subjects = new Map<string, SubjectVersion[]>();
  private readonly subjectConfig = new Map<string, CompatibilityLevel>();
  private globalCompatibility: CompatibilityLevel = 'BACKWARD';
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
    const found = this.schemas.get(id);
    if (!found) throw schemaNotFound(`id ${id}`);
    return found.schema;
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
    return { subject, version: found.version, id: found.id, schema: this.schemaById(found.id) };
  }

  lookup(subject: string, schema: string): SchemaVersionView {
    const live = this.liveVersions(subject);
    const canonical = canonicalize(schema);
    const id = this.idBySchema.get(canonical);
    const found = id === undefined ? undefined : live.find((v) => v.id === id);
    if (!found) throw schemaNotFound(`in subject '${subject}'`);
    return { subject, version: found.version, id: found.id, schema: canonical };
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
  checkCompatibility(subject: string, schema: string, version: number): string[] {
    const candidate = parseOrThrow(schema);
    const target = this.version(subject, version);
    const level = this.effectiveCompatibility(subject);
    const against =
      level.endsWith('_TRANSITIVE') && version === -1
        ? this.liveVersions(subject).map((v) => this.schemas.get(v.id)!.type)
        : [this.schemas.get(target.id)!.type];
    return compatibilityProblems(level, candidate, against);
  }

  /** Registers `schema` under `subject`; returns its global id (the same id for the same schema). */
  register(subject: string, schema: string): Promise<number> {
    return this.serialized(async () => {
      const type = parseOrThrow(schema);
      const canonical = canonicalize(schema);
      const live = (this.subjects.get(subject) ?? []).filter((v) => !v.deleted);
      const knownId = this.idBySchema.get(canonical);
      if (knownId !== undefined && live.some((v) => v.id === knownId)) return knownId;
      const existing = live.map((v) => this.schemas.get(v.id)!.type);
      const problems = compatibilityProblems(this.effectiveCompatibility(subject), type, existing);
      if (problems.length > 0) throw incompatibleSchema(subject, problems.join('; '));
      const entries: JournalEntry[] = [];
      const id = knownId ?? this.nextId;
      if (knownId === undefined) entries.push({ op: 'schema', id, schema: canonical });
      const all = this.subjects.get(subject) ?? [];
      const version = (all[all.length - 1]?.version ?? 0) + 1;
      entries.push({ op: 'version', subject, version, id });
      await this.persist(entries);
      return id;
    });
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
      case 'schema':
        this.schemas.set(entry.id, { schema: entry.schema, type: parseAvro(entry.schema) });
        this.idBySchema.set(entry.schema, entry.id);
        this.nextId = Math.max(this.nextId, entry.id + 1);
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

/** Whitespace-insensitive form of a schema text, so the same schema always gets the same id. */
function canonicalize(schema: string): string {
  try {
    return JSON.stringify(JSON.parse(schema));
  } catch (err) {
    throw invalidSchema(err instanceof Error ? err.message : String(err));
  }
}

function parseOrThrow(schema: string): avsc.Type {
  try {
    return parseAvro(schema);
  } catch (err) {
    throw invalidSchema(err instanceof Error ? err.message : String(err));
  }
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
