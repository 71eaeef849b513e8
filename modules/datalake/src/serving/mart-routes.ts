import {
  MART_TABLES,
  type MartDao,
  type MartName,
  type MartRow,
  type MartTable,
} from '@meterstream/persistence';
import type { FastifyInstance } from 'fastify';
import { InvalidParameterError } from '../time-range.js';

const DAY_MS = 86_400_000;
/** Date-partitioned marts are read partition by partition: a range of at most this many days. */
export const MAX_MART_DAYS = 92;

/**
 * `GET /marts/<mart>?<partition key>&from=yyyy-mm-dd&to=yyyy-mm-dd` — the rows of one mart for one
 * customer / zone / series over a date range [from, to):
 * - `/marts/billing_daily?customer=&from=&to=`
 * - `/marts/grid_load_hourly?zone=&from=&to=`
 * - `/marts/consumption_interval?gateway=&metricType=&metricAttribute=&from=&to=`
 * Timestamps as ISO-8601 UTC, dates as `yyyy-mm-dd`. Bad or missing parameters get 400 naming them.
 */
export function registerMartRoutes(app: FastifyInstance, marts: MartDao): void {
  for (const mart of Object.keys(MART_TABLES) as MartName[]) {
    app.get(`/marts/${mart}`, async (request) => {
      const query = request.query as Record<string, unknown>;
      const spec: MartTable = MART_TABLES[mart];
      const partitionColumns = spec.partitionKey.filter((c) => c !== 'date');
      const known = new Set([...partitionColumns, 'from', 'to']);
      for (const name of Object.keys(query)) {
        if (!known.has(name))
          throw new InvalidParameterError(name, `unknown parameter (expected ${[...known].join(', ')})`);
      }
      const partition: MartRow = {};
      for (const column of partitionColumns) partition[column] = requiredText(query, column);
      const from = requiredDate(query, 'from');
      const to = requiredDate(query, 'to');
      if (to <= from) throw new InvalidParameterError('to', 'must be after from');
      let rows: MartRow[];
      if (spec.partitionKey.includes('date')) {
        const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
        if (days > MAX_MART_DAYS)
          throw new InvalidParameterError('to', `at most ${MAX_MART_DAYS} days after from`);
        rows = [];
        for (let t = Date.parse(from); t < Date.parse(to); t += DAY_MS) {
          rows.push(
            ...(await marts.read(mart, { ...partition, date: new Date(t).toISOString().slice(0, 10) })),
          );
        }
      } else {
        rows = await marts.read(mart, partition, { from, to });
      }
      const timestamps = spec.columns.filter((c) => c.kind === 'timestamp').map((c) => c.name);
      return {
        mart,
        ...partition,
        from,
        to,
        rows: rows.map((row) => {
          const out: Record<string, unknown> = { ...row };
          for (const name of timestamps)
            if (typeof row[name] === 'number') out[name] = new Date(row[name]).toISOString();
          return out;
        }),
      };
    });
  }
}

function requiredText(query: Record<string, unknown>, name: string): string {
  const value = query[name];
  if (Array.isArray(value)) throw new InvalidParameterError(name, 'given more than once');
  if (typeof value !== 'string' || value === '') throw new InvalidParameterError(name, 'required');
  return value;
}

function requiredDate(query: Record<string, unknown>, name: string): string {
  const value = requiredText(query, name);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidParameterError(name, `not a date yyyy-mm-dd: ${JSON.stringify(value)}`);
  return value;
}
