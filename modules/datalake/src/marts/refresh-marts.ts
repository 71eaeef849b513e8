import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  MART_NAMES,
  MART_TABLES,
  type MartDao,
  type MartName,
  type MartRow,
  type MartTable,
} from '@meterstream/persistence';
import { parseLakeObjectKey } from '../layout.js';
import { MARTS_PREFIX, syncLakeCache } from '../sql/lake-cache.js';
import { LakeDatabase } from '../sql/lake-database.js';
import { type MartDimensionFiles, createDimensionTables } from './dimensions.js';
import { billingDailySql, consumptionIntervalSql, gridLoadHourlySql } from './marts-sql.js';

export interface RefreshMartsOptions {
  s3: S3Client;
  bucket: string;
  /** The S3 endpoint (identifies the lake copy, see lake-cache.ts). */
  endpoint: string;
  /** Root of the local lake copies. */
  cacheRoot: string;
  dimensions?: MartDimensionFiles;
  /** An electricity interval longer than this is a dropout: no energy billed for it. Default 900 s. */
  maxGapSeconds?: number;
  /** When given, each recomputed partition is also written to the marts' Cassandra tables. */
  cassandra?: MartDao;
}

export interface RefreshMartsReport {
  /** UTC dates of the lake whose raw objects changed since the last refresh (all, when the dimensions did). */
  changedDates: string[];
  /** Per mart, the dates whose partition was rewritten (or removed, when it has no rows any more). */
  recomputed: Record<MartName, string[]>;
  objectsWritten: number;
  objectsDeleted: number;
}

/** What the last refresh saw: a fingerprint per raw date and of the dimension files. */
interface MartsState {
  dates: Record<string, string>;
  dimensions: string;
}

const STATE_KEY = `${MARTS_PREFIX}_state.json`;
const DAY_MS = 86_400_000;

/**
 * Refreshes the marts incrementally. A UTC date is recomputed when the set of its raw objects
 * (keys and ETags) differs from the last refresh — new data, late data, a compaction — and what
 * depends on it with it: consumption intervals of the next date (its first interval starts on the
 * changed one), billing days one day either side (local days straddle UTC dates). Each recomputed
 * (mart, date) partition is rewritten whole as one Parquet object
 * `marts/<mart>/date=<d>/part-0.parquet` (or deleted when it has no rows), so a re-run writes the
 * same objects; the state object is written last, so a refresh that dies half-way is redone by the
 * next one. With nothing changed, nothing is written.
 */
export async function refreshMarts(options: RefreshMartsOptions): Promise<RefreshMartsReport> {
  const sync = await syncLakeCache({
    s3: options.s3,
    bucket: options.bucket,
    endpoint: options.endpoint,
    root: options.cacheRoot,
  });
  const previous = await readState(options.s3, options.bucket);
  const fingerprints = dateFingerprints(sync.raw);
  const database = await LakeDatabase.open({ kind: 'local', dir: sync.dir });
  const scratch = mkdtempSync(join(tmpdir(), 'meterstream-marts-'));
  try {
    const dimensions = await createDimensionTables(database.connection, options.dimensions ?? {});
    const allDates = new Set([...Object.keys(fingerprints), ...Object.keys(previous.dates)]);
    const changed = [...allDates]
      .filter((d) => dimensions !== previous.dimensions || fingerprints[d] !== previous.dates[d])
      .sort();
    const lakeDates = new Set(Object.keys(fingerprints));
    const recomputed: Record<MartName, string[]> = {
      consumption_interval: sortedUnion(
        changed,
        changed.map((d) => shift(d, 1)).filter((d) => lakeDates.has(d)),
      ),
      grid_load_hourly: changed,
      billing_daily: sortedUnion(
        changed,
        changed.flatMap((d) => [shift(d, -1), shift(d, 1)]),
      ),
    };
    const maxGap = options.maxGapSeconds ?? 900;
    const report: RefreshMartsReport = {
      changedDates: changed,
      recomputed,
      objectsWritten: 0,
      objectsDeleted: 0,
    };
    // The marts in the order a refresh computes them (persistence's MART_NAMES).
    for (const mart of MART_NAMES) {
      for (const date of recomputed[mart]) {
        const sql = martSql(mart, date, maxGap);
        const file = join(scratch, `${mart}-${date}.parquet`);
        const rows = await database.copyToParquet(`SELECT * EXCLUDE (date) FROM (${sql})`, file);
        const key = `${MARTS_PREFIX}${mart}/date=${date}/part-0.parquet`;
        if (options.cassandra) {
          const previous = join(sync.dir, MARTS_PREFIX, mart, `date=${date}`, 'part-0.parquet');
          await replaceCassandraRows(options.cassandra, database, mart, date, {
            previous: existsSync(previous) ? previous : null,
            current: rows > 0 ? file : null,
          });
        }
        if (rows > 0) {
          await options.s3.send(
            new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: readFileSync(file) }),
          );
          report.objectsWritten++;
        }
        // Other objects of the partition, as the sync listed them (none the refresh writes; a
        // partition that has no rows any more loses its object too).
        const partition = `${MARTS_PREFIX}${mart}/date=${date}/`;
        for (const { key: other } of sync.marts.filter((object) => object.key.startsWith(partition))) {
          if (rows > 0 && other === key) continue;
          await options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: other }));
          report.objectsDeleted++;
        }
      }
    }
    const state: MartsState = { dates: fingerprints, dimensions };
    await options.s3.send(
      new PutObjectCommand({ Bucket: options.bucket, Key: STATE_KEY, Body: JSON.stringify(state) }),
    );
    return report;
  } finally {
    database.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Makes a date's rows of a mart's table equal to the new partition file: upserts its rows and
 * deletes the rows the previous file (the lake copy's, synced at the start) had and the new one has
 * not — a gateway moved to another customer or zone, a reading that disappeared.
 */
async function replaceCassandraRows(
  marts: MartDao,
  database: LakeDatabase,
  mart: MartName,
  date: string,
  files: { previous: string | null; current: string | null },
): Promise<void> {
  const spec: MartTable = MART_TABLES[mart];
  const read = async (file: string | null): Promise<MartRow[]> => {
    if (!file) return [];
    const columns = spec.columns.map((c) =>
      c.name === 'date'
        ? `'${date}' AS date`
        : c.kind === 'timestamp'
          ? `epoch_ms("${c.name}") AS "${c.name}"`
          : `"${c.name}"`,
    );
    const result = await database.query(`SELECT ${columns.join(', ')} FROM read_parquet('${file}')`);
    return result.rows.map((row) =>
      Object.fromEntries(result.columns.map((c, i) => [c, row[i] as string | number | null])),
    );
  };
  const key = [...spec.partitionKey, ...spec.clustering];
  const keyOf = (row: MartRow) => key.map((k) => String(row[k])).join('\u0000');
  const current = await read(files.current);
  const kept = new Set(current.map(keyOf));
  await marts.delete(
    mart,
    (await read(files.previous)).filter((row) => !kept.has(keyOf(row))),
  );
  await marts.upsert(mart, current);
}

function martSql(mart: MartName, date: string, maxGapSeconds: number): string {
  const day = { first: date, last: date };
  switch (mart) {
    case 'consumption_interval':
      return consumptionIntervalSql(day, shift(date, -1));
    case 'grid_load_hourly':
      return gridLoadHourlySql(day);
    case 'billing_daily':
      // A local day lies within UTC dates d-1 … d+1 (offsets −12 h … +14 h); its first interval's
      // previous reading and its last interval's next one may lie a day further.
      return billingDailySql(day, { first: shift(date, -2), last: shift(date, 2) }, maxGapSeconds);
  }
}

/** Per UTC date of the lake, a hash of its visible objects' keys and ETags. */
function dateFingerprints(raw: readonly { key: string; etag: string }[]): Record<string, string> {
  const byDate = new Map<string, string[]>();
  for (const object of raw) {
    const name = parseLakeObjectKey(object.key);
    if (!name) continue;
    const entries = byDate.get(name.date) ?? [];
    entries.push(`${object.key} ${object.etag}`);
    byDate.set(name.date, entries);
  }
  const fingerprints: Record<string, string> = {};
  for (const [date, entries] of byDate) {
    fingerprints[date] = createHash('sha256').update(entries.sort().join('\n')).digest('hex');
  }
  return fingerprints;
}

async function readState(s3: S3Client, bucket: string): Promise<MartsState> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: STATE_KEY }));
    return JSON.parse(await response.Body!.transformToString()) as MartsState;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return { dates: {}, dimensions: '' };
    throw error;
  }
}

function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function sortedUnion(...lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}
