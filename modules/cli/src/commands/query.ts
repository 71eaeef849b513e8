import {
  ATTRIBUTES_BY_TYPE,
  METRIC_ATTRIBUTES,
  METRIC_TYPES,
  type MetricAttribute,
  type MetricType,
  formatInstant,
  parseInstant,
} from '@meterstream/common';
import { AggregateDao, DEFAULT_WINDOWS, createCassandraClient } from '@meterstream/persistence';
import type { CommandModule } from 'yargs';
import { commandContext, withEndpoints } from '../command-context.js';

interface QueryArgs {
  gateway: string;
  type: MetricType;
  attribute: MetricAttribute;
  window: number;
  from: string;
  to: string;
  limit: number;
  layer: 'speed' | 'batch';
}

/** Accepts a date (`2006-12-16`, midnight UTC) or a full ISO-8601 instant. */
export function parseTimeArg(name: string, text: string): number {
  const parsed = parseInstant(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (typeof parsed !== 'number') throw new Error(`--${name}: ${parsed.error}`);
  return parsed;
}

export function formatTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A coerce that upper-cases, typed as the option's choices (yargs checks them after coercion). */
function upperCase<T extends string>(_choices: readonly T[]): (text: string) => T {
  return (text) => text.toUpperCase() as T;
}

/**
 * What the serving API answers 400 to (datalake's parseServingQuery, same wording): an attribute
 * its type does not report — the query would print an empty table — and a window no layer keeps,
 * which would reach Cassandra as a table that does not exist.
 */
export function checkQueryArgs(args: { type: MetricType; attribute: MetricAttribute; window: number }): void {
  const attributes = ATTRIBUTES_BY_TYPE[args.type];
  if (!attributes.includes(args.attribute))
    throw new Error(
      `--attribute ${args.attribute} is not an attribute of ${args.type} (expected one of ${attributes.join(', ')})`,
    );
  if (!(DEFAULT_WINDOWS as readonly number[]).includes(args.window))
    throw new Error(`--window ${args.window}: expected one of ${DEFAULT_WINDOWS.join(', ')} (seconds)`);
}

/**
 * `dao.listAggregates`, with "no such keyspace or table" said in the user's words: the tables of a
 * window exist once `sink cassandra` (speed) or `batch` (batch) has run for it, which a newcomer
 * querying first cannot know; the driver's message names a CQL statement and its partition bucket.
 */
async function listOrExplain(
  dao: AggregateDao,
  layer: 'speed' | 'batch',
  window: number,
  contactPoints: readonly string[],
  query: Parameters<AggregateDao['listAggregates']>[0],
): ReturnType<AggregateDao['listAggregates']> {
  try {
    return await dao.listAggregates(query);
  } catch (error) {
    if (!/Keyspace \S+ does not exist|unconfigured table/i.test((error as Error).message)) throw error;
    const writer =
      layer === 'speed'
        ? `\`meterstream sink cassandra --window ${window}\` creates it and writes the speed layer's aggregates`
        : `\`meterstream batch --window ${window} --from … --to …\` creates it and writes the batch views`;
    throw new Error(
      `Cassandra at ${contactPoints.join(', ')} has no table ${dao.table(window)} yet: ${writer}`,
      {
        cause: error,
      },
    );
  }
}

export const queryCommand: CommandModule<object, QueryArgs> = {
  command: 'query',
  describe: 'Print aggregates of one series from Cassandra as a table',
  builder: (yargs) =>
    withEndpoints(yargs)
      .option('gateway', { type: 'string', demandOption: true, describe: 'Gateway id' })
      .option('type', {
        choices: METRIC_TYPES,
        coerce: upperCase(METRIC_TYPES),
        demandOption: true,
        describe: 'Metric type (any case)',
      })
      .option('attribute', {
        choices: METRIC_ATTRIBUTES,
        coerce: upperCase(METRIC_ATTRIBUTES),
        demandOption: true,
        describe: 'Metric attribute, one of its type (any case)',
      })
      .option('window', {
        type: 'number',
        default: 3600,
        describe: `Window size in seconds: ${DEFAULT_WINDOWS.join(', ')}`,
      })
      .option('from', {
        type: 'string',
        demandOption: true,
        describe: 'Start (date or ISO instant, inclusive)',
      })
      .option('to', { type: 'string', demandOption: true, describe: 'End (date or ISO instant, exclusive)' })
      .option('limit', { type: 'number', default: 50, describe: 'At most this many rows' })
      .option('layer', {
        choices: ['speed', 'batch'] as const,
        default: 'speed' as const,
        describe: 'Real-time views (speed) or batch views',
      })
      .check((args) => {
        checkQueryArgs(args);
        return true;
      }),
  handler: async (args) => {
    const { config, logger } = commandContext(args, 'query');
    const from = parseTimeArg('from', args.from);
    const to = parseTimeArg('to', args.to);
    const client = createCassandraClient(config.cassandra);
    try {
      const dao = new AggregateDao(client, {
        keyspace: config.cassandra.keyspace,
        family: args.layer === 'batch' ? 'batch_aggregates' : 'metrics_aggregates',
      });
      const rows = await listOrExplain(dao, args.layer, args.window, config.cassandra.contactPoints, {
        gateway: args.gateway,
        metricType: args.type,
        attribute: args.attribute,
        window: args.window,
        from,
        to,
        limit: args.limit,
        order: 'asc',
      });
      const head = ['windowStart', 'windowEnd', 'samples', 'min', 'max', 'avg', 'sum'];
      const cells = rows.map((a) => [
        formatInstant(a.windowStart),
        formatInstant(a.windowEnd),
        String(a.sampleCount),
        a.min.toFixed(3),
        a.max.toFixed(3),
        a.average.toFixed(3),
        a.sum.toFixed(3),
      ]);
      process.stdout.write(`${formatTable(head, cells)}\n(${rows.length} rows)\n`);
      logger.debug({ rows: rows.length }, 'query done');
    } finally {
      await client.shutdown();
    }
  },
};
