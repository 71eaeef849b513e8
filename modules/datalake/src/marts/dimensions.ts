import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../sql/aggregate-sql.js';

/**
 * The marts' dimension tables, from two CSV files a utility maintains:
 *
 * - gateways: `gateway,customer,zone,timezone` — who is billed for a gateway's meters, which grid
 *   zone it feeds, and the customer's IANA time zone (billing days are local days). A gateway not
 *   listed is its own customer, in zone `unassigned`, billed in UTC.
 * - tariffs: `metricType,validFrom,validTo,bandStart,bandEnd,price,currency` — effective-dated
 *   (validFrom inclusive, validTo exclusive or empty for open-ended, local dates) time-of-use bands
 *   (`HH:MM` local times, [start, end), `24:00` ends the day); a flat rate is one band 00:00–24:00.
 *   Price per kWh for electricity, per counter unit for water and gas.
 */
export interface MartDimensionFiles {
  gateways?: string;
  tariffs?: string;
}

export class DimensionError extends Error {
  override readonly name = 'DimensionError';
}

/** Creates `gateways` and `tariffs`; returns a fingerprint of their content (a change recomputes every mart). */
export async function createDimensionTables(
  connection: DuckDBConnection,
  files: MartDimensionFiles,
): Promise<string> {
  const hash = createHash('sha256');
  await connection.run(
    'CREATE OR REPLACE TABLE gateway_dimension (gateway VARCHAR PRIMARY KEY, customer VARCHAR, zone VARCHAR, timezone VARCHAR)',
  );
  if (files.gateways) {
    hash.update(readFileSync(files.gateways));
    await connection.run(
      `INSERT INTO gateway_dimension SELECT * FROM read_csv(${sqlString(files.gateways)}, header = true,
         columns = {'gateway': 'VARCHAR', 'customer': 'VARCHAR', 'zone': 'VARCHAR', 'timezone': 'VARCHAR'})`,
    );
    const zones = (
      await connection.runAndReadAll('SELECT DISTINCT timezone FROM gateway_dimension')
    ).getRows();
    for (const [zone] of zones) {
      if (!isTimeZone(String(zone)))
        throw new DimensionError(
          `${files.gateways}: unknown time zone ${JSON.stringify(zone)} (an IANA name, e.g. Europe/Paris)`,
        );
    }
  }
  await connection.run(
    `CREATE OR REPLACE VIEW gateways AS
       SELECT * FROM gateway_dimension
       UNION ALL
       SELECT DISTINCT gateway, gateway, 'unassigned', 'UTC' FROM metrics
       WHERE gateway NOT IN (SELECT gateway FROM gateway_dimension)`,
  );
  await connection.run(
    `CREATE OR REPLACE TABLE tariffs (metricType VARCHAR, validFrom DATE, validTo DATE,
       bandStartMinute INTEGER, bandEndMinute INTEGER, price DOUBLE, currency VARCHAR)`,
  );
  if (files.tariffs) {
    hash.update(readFileSync(files.tariffs));
    const minute = (column: string) =>
      `CAST(split_part(${column}, ':', 1) AS INTEGER) * 60 + CAST(split_part(${column}, ':', 2) AS INTEGER)`;
    try {
      await connection.run(
        `INSERT INTO tariffs SELECT metricType, validFrom, validTo, ${minute('bandStart')}, ${minute('bandEnd')}, price, currency
         FROM read_csv(${sqlString(files.tariffs)}, header = true,
           columns = {'metricType': 'VARCHAR', 'validFrom': 'DATE', 'validTo': 'DATE', 'bandStart': 'VARCHAR',
                      'bandEnd': 'VARCHAR', 'price': 'DOUBLE', 'currency': 'VARCHAR'})`,
      );
    } catch (error) {
      throw new DimensionError(`${files.tariffs}: ${(error as Error).message}`, { cause: error });
    }
    const bad = (
      await connection.runAndReadAll(
        `SELECT metricType, validFrom::VARCHAR, bandStartMinute, bandEndMinute FROM tariffs
         WHERE NOT (0 <= bandStartMinute AND bandStartMinute < bandEndMinute AND bandEndMinute <= 1440)
            OR (validTo IS NOT NULL AND validTo <= validFrom) LIMIT 1`,
      )
    ).getRows();
    if (bad.length > 0)
      throw new DimensionError(
        `${files.tariffs}: band or validity out of order in the row ${JSON.stringify(bad[0])} (start < end within 00:00–24:00, validFrom < validTo)`,
      );
  }
  return hash.digest('hex');
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false; // RangeError: not a time zone Intl knows (ICU's list, the one DuckDB uses too)
  }
}
