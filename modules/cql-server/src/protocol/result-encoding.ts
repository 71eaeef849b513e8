import type { Prepared } from '../engine/statement-cache.js';
import type { ColumnSpec, ExecResult, SchemaChange } from '../engine/result.js';
import { writeTypeOption } from '../types/cql-type.js';
import type { CqlError } from './errors.js';
import { BodyWriter } from './writer.js';

const ResultKind = { void: 1, rows: 2, setKeyspace: 3, prepared: 4, schemaChange: 5 } as const;
const MetaFlag = { globalTablesSpec: 0x01, hasMorePages: 0x02, noMetadata: 0x04 } as const;

function writeColumns(w: BodyWriter, columns: ColumnSpec[]): void {
  // All columns of our results come from one table, so the global table spec is always used.
  if (columns.length > 0) w.string(columns[0].keyspace).string(columns[0].table);
  for (const c of columns) {
    w.string(c.name);
    writeTypeOption(w, c.type);
  }
}

function writeRowsMetadata(
  w: BodyWriter,
  columns: ColumnSpec[],
  pagingState: Buffer | undefined,
  skip: boolean,
) {
  let flags = columns.length > 0 ? MetaFlag.globalTablesSpec : 0;
  if (pagingState) flags |= MetaFlag.hasMorePages;
  if (skip) flags = (flags & MetaFlag.hasMorePages) | MetaFlag.noMetadata;
  w.int(flags).int(columns.length);
  if (pagingState) w.bytes(pagingState);
  if (!skip) writeColumns(w, columns);
}

export function writeSchemaChange(w: BodyWriter, c: SchemaChange): void {
  w.string(c.change).string(c.target).string(c.keyspace);
  if (c.target === 'TABLE') w.string(c.name ?? '');
}

export function encodeResult(res: ExecResult, skipMetadata: boolean): Buffer {
  switch (res.kind) {
    case 'void':
      return new BodyWriter(4).int(ResultKind.void).toBuffer();
    case 'setKeyspace':
      return new BodyWriter(32).int(ResultKind.setKeyspace).string(res.keyspace).toBuffer();
    case 'schemaChange': {
      const w = new BodyWriter(64).int(ResultKind.schemaChange);
      writeSchemaChange(w, res.change);
      return w.toBuffer();
    }
    case 'rows': {
      const w = new BodyWriter(256 + res.rows.length * 32);
      w.int(ResultKind.rows);
      writeRowsMetadata(w, res.columns, res.pagingState, skipMetadata);
      w.int(res.rows.length);
      for (const row of res.rows) for (const cell of row) w.bytes(cell);
      return w.toBuffer();
    }
  }
}

export function encodePrepared(p: Prepared): Buffer {
  const w = new BodyWriter(256).int(ResultKind.prepared).shortBytes(p.id);
  const vars = p.compiled.bindSpecs;
  w.int(vars.length > 0 ? MetaFlag.globalTablesSpec : 0)
    .int(vars.length)
    .int(p.compiled.pkIndexes.length);
  for (const i of p.compiled.pkIndexes) w.short(i);
  writeColumns(w, vars);
  const result = p.compiled.resultColumns;
  if (result) {
    w.int(result.length > 0 ? MetaFlag.globalTablesSpec : 0).int(result.length);
    writeColumns(w, result);
  } else {
    w.int(MetaFlag.noMetadata).int(0);
  }
  return w.toBuffer();
}

export function encodeError(err: CqlError): Buffer {
  const w = new BodyWriter(128).int(err.code).string(err.message);
  const x = err.extra;
  if (x?.kind === 'alreadyExists') w.string(x.keyspace).string(x.table);
  else if (x?.kind === 'unprepared') w.shortBytes(x.id);
  else if (x?.kind === 'unavailable') w.short(x.consistency).int(x.required).int(x.alive);
  return w.toBuffer();
}
