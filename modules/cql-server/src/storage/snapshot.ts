import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../engine/database.js';
import { keyspaceCql, tableCql } from '../engine/describe.js';
import type { Mutation } from '../engine/mutation.js';
import { cellValue } from '../engine/table.js';
import { encodeMutations } from './record-codec.js';
import { fsyncDir } from './fsync-dir.js';
import { frameRecord } from './record-framing.js';

/** Upserts per snapshot record: below the record's 16-bit count with room for a row's expiry groups. */
const SNAPSHOT_RECORD_MUTATIONS = 10_000;

export function snapshotName(segment: number): string {
  return `snapshot-${String(segment).padStart(8, '0')}.bin`;
}

/**
 * Serializes the whole state as replayable records: a header naming the first commit-log segment
 * NOT covered, the schema as DDL, then records of up to 10,000 upserts each. Runs synchronously so
 * the image is consistent; writing it to disk happens later.
 */
export function captureSnapshot(db: Database, firstUncoveredSegment: number): Buffer[] {
  const now = Date.now();
  const records: Buffer[] = [
    frameRecord(Buffer.from(JSON.stringify({ format: 1, segment: firstUncoveredSegment }))),
  ];
  const ddl: Mutation[] = [];
  for (const ks of db.keyspaces.values()) {
    if (ks.system) continue;
    ddl.push({ op: 'ddl', keyspace: '', cql: keyspaceCql(ks) });
    for (const t of ks.tables.values()) ddl.push({ op: 'ddl', keyspace: '', cql: tableCql(t) });
  }
  records.push(frameRecord(encodeMutations(ddl)));
  // Upserts of many partitions share one record (replay applies them one by one): a record per
  // partition cost an encoder, a frame and a Buffer for each of a million single-row partitions,
  // all inside this synchronous capture.
  let ms: Mutation[] = [];
  for (const ks of db.keyspaces.values()) {
    if (ks.system) continue;
    for (const t of ks.tables.values()) {
      for (const p of t.partitions.values()) {
        for (const row of p.rows) {
          // Cells are grouped by expiry so each group is one upsert carrying its own TTL deadline.
          const groups = new Map<number, [string, Buffer | null][]>();
          t.regular.forEach((col, i) => {
            const v = cellValue(row, i, now);
            if (v === null) return;
            const e = row.expiry[i];
            const g = groups.get(e);
            if (g) g.push([col.name, v]);
            else groups.set(e, [[col.name, v]]);
          });
          const markerLive = row.marker && (row.markerExpiry === 0 || row.markerExpiry > now);
          if (markerLive && !groups.has(row.markerExpiry)) groups.set(row.markerExpiry, []);
          for (const [expiry, cells] of groups) {
            ms.push({
              op: 'upsert',
              keyspace: ks.name,
              table: t.name,
              pk: p.key,
              ck: row.ck,
              cells,
              marker: markerLive && expiry === row.markerExpiry,
              expiry,
            });
          }
          // Keep records bounded (the record count field is 16 bits).
          if (ms.length >= SNAPSHOT_RECORD_MUTATIONS) {
            records.push(frameRecord(encodeMutations(ms)));
            ms = [];
          }
        }
      }
    }
  }
  if (ms.length) records.push(frameRecord(encodeMutations(ms)));
  return records;
}

/** Writes a snapshot atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeSnapshot(dir: string, segment: number, records: Buffer[]): Promise<void> {
  const final = join(dir, snapshotName(segment));
  const tmp = `${final}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    for (let i = 0; i < records.length; i += 256) await fh.writev(records.slice(i, i + 256));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, final);
  await fsyncDir(dir);
}
