import type { Mutation } from '../engine/mutation.js';
import { BodyReader } from '../protocol/reader.js';
import { BodyWriter } from '../protocol/writer.js';

const OP_UPSERT = 1;
const OP_DELETE = 2;
const OP_TRUNCATE = 3;
const OP_DDL = 4;

function writeBuffers(w: BodyWriter, list: Buffer[]): void {
  w.short(list.length);
  for (const b of list) w.bytes(b);
}

function readBuffers(r: BodyReader): Buffer[] {
  const n = r.short();
  const out: Buffer[] = [];
  // Copy: the record buffer is a slice of a whole log file we do not want to keep alive.
  for (let i = 0; i < n; i++) out.push(Buffer.from(r.bytes() ?? Buffer.alloc(0)));
  return out;
}

/** Serializes the mutations of one statement or batch; they are logged (and replayed) atomically. */
export function encodeMutations(mutations: readonly Mutation[]): Buffer {
  const w = new BodyWriter(128);
  w.short(mutations.length);
  for (const m of mutations) {
    switch (m.op) {
      case 'upsert':
        w.byte(OP_UPSERT).string(m.keyspace).string(m.table);
        writeBuffers(w, m.pk);
        writeBuffers(w, m.ck);
        w.short(m.cells.length);
        for (const [name, value] of m.cells) w.string(name).bytes(value);
        w.byte(m.marker ? 1 : 0).long(BigInt(m.expiry));
        break;
      case 'delete':
        w.byte(OP_DELETE).string(m.keyspace).string(m.table);
        writeBuffers(w, m.pk);
        writeBuffers(w, m.ckPrefix);
        w.stringList(m.columns);
        break;
      case 'truncate':
        w.byte(OP_TRUNCATE).string(m.keyspace).string(m.table);
        break;
      case 'ddl':
        w.byte(OP_DDL).string(m.keyspace).longString(m.cql);
        break;
    }
  }
  return w.toBuffer();
}

export function decodeMutations(payload: Buffer): Mutation[] {
  const r = new BodyReader(payload);
  const n = r.short();
  const out: Mutation[] = [];
  for (let i = 0; i < n; i++) {
    const op = r.byte();
    if (op === OP_UPSERT) {
      const keyspace = r.string();
      const table = r.string();
      const pk = readBuffers(r);
      const ck = readBuffers(r);
      const cellCount = r.short();
      const cells: [string, Buffer | null][] = [];
      for (let c = 0; c < cellCount; c++) {
        const name = r.string();
        const v = r.bytes();
        cells.push([name, v === null ? null : Buffer.from(v)]);
      }
      const marker = r.byte() === 1;
      const expiry = Number(r.long());
      out.push({ op: 'upsert', keyspace, table, pk, ck, cells, marker, expiry });
    } else if (op === OP_DELETE) {
      const keyspace = r.string();
      const table = r.string();
      out.push({
        op: 'delete',
        keyspace,
        table,
        pk: readBuffers(r),
        ckPrefix: readBuffers(r),
        columns: r.stringList(),
      });
    } else if (op === OP_TRUNCATE) {
      out.push({ op: 'truncate', keyspace: r.string(), table: r.string() });
    } else if (op === OP_DDL) {
      out.push({ op: 'ddl', keyspace: r.string(), cql: r.longString() });
    } else {
      throw new Error(`Unknown commit log operation ${op}`);
    }
  }
  return out;
}
