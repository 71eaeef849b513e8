import type { Logger, MetricAttribute, MetricType } from '@meterstream/common';
import { ampds2ElectricityFormat } from './ampds2-electricity.js';
import { ampds2MeterFormat } from './ampds2-meter.js';
import { DatasetFormatError, type DatasetRow, type DatasetType, METRIC_TYPE_OF } from './dataset-row.js';
import type { DatasetFormat } from './formats.js';
import { readLineChunks } from './line-reader.js';
import { LocalTimeConverter } from './local-time.js';
import { SkipReport } from './skip-report.js';
import { uciHouseholdFormat } from './uci-household.js';

/** The formats a file of each type may have; the header says which one it is. */
const FORMATS_BY_TYPE: Readonly<Record<DatasetType, readonly DatasetFormat[]>> = {
  electricity: [ampds2ElectricityFormat, uciHouseholdFormat],
  water: [ampds2MeterFormat('WATER')],
  gas: [ampds2MeterFormat('GAS')],
};

export const ATTRIBUTES_OF_TYPE: Readonly<Record<DatasetType, readonly MetricAttribute[]>> = {
  electricity: ampds2ElectricityFormat.attributes,
  water: ampds2MeterFormat('WATER').attributes,
  gas: ampds2MeterFormat('GAS').attributes,
};

export interface DatasetReaderOptions {
  type: DatasetType;
  /** Zone of files with local times (UCI). Default Europe/Paris. */
  zone?: string;
  /** Skip the rows of the first N days (counted from the first row's timestamp). */
  dayOffset?: number;
  /** Skipped lines are logged at debug with file:line. */
  logger?: Logger;
}

/** Counters of one pass over a file. */
export interface DatasetStats {
  /** Lines read, header included. */
  lines: number;
  /** Rows turned into readings and handed out. */
  rows: number;
  /** Valid rows before the day offset. */
  beforeDayOffset: number;
}

const DAY_MS = 86_400_000;

/**
 * A streaming reader of one dataset file: iterate it (once) for rows; `skips` and `stats` hold the
 * counts of the pass. Memory is constant whatever the file size: lines are read in 64 KiB chunks
 * and nothing is kept per row.
 */
export class DatasetReader implements AsyncIterable<DatasetRow> {
  readonly skips: SkipReport;
  readonly stats: DatasetStats = { lines: 0, rows: 0, beforeDayOffset: 0 };
  readonly metricType: MetricType;
  readonly attributes: readonly MetricAttribute[];
  /** Set once the header has been read. */
  format: DatasetFormat | undefined;
  private readonly converter: LocalTimeConverter;
  private started = false;

  constructor(
    readonly path: string,
    private readonly options: DatasetReaderOptions,
  ) {
    this.skips = new SkipReport(path, options.logger);
    this.metricType = METRIC_TYPE_OF[options.type];
    this.attributes = ATTRIBUTES_OF_TYPE[options.type];
    this.converter = new LocalTimeConverter(options.zone ?? 'Europe/Paris');
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<DatasetRow> {
    for await (const rows of this.batches()) yield* rows;
  }

  /** The rows in batches (one per chunk of the file): cheaper than one await per row. */
  async *batches(): AsyncGenerator<DatasetRow[]> {
    if (this.started) throw new Error(`${this.path}: a DatasetReader can be iterated only once`);
    this.started = true;
    const candidates = FORMATS_BY_TYPE[this.options.type];
    const dayOffset = this.options.dayOffset ?? 0;
    let parse: ((fields: string[]) => ReturnType<ReturnType<DatasetFormat['parser']>>) | undefined;
    let separator = ',';
    let skipBefore = Number.NaN;
    for await (const lines of readLineChunks(this.path)) {
      const rows: DatasetRow[] = [];
      for (const line of lines) {
        this.stats.lines = line.number;
        if (parse === undefined) {
          const header = line.text.replace(/^\uFEFF/, '');
          const format = candidates.find((candidate) => candidate.matches(header));
          if (!format) {
            throw new DatasetFormatError(
              `${this.path}:${line.number}`,
              `header ${JSON.stringify(header.slice(0, 80))} is not a ${this.options.type} dataset ` +
                `(expected ${candidates.map((c) => c.name).join(' or ')})`,
            );
          }
          this.format = format;
          separator = format.separator;
          try {
            parse = format.parser(header, { converter: this.converter });
          } catch (error) {
            throw new DatasetFormatError(`${this.path}:${line.number}`, (error as Error).message);
          }
          continue;
        }
        if (line.text.length === 0) {
          this.skips.skip('empty-line', line.number, 'blank line');
          continue;
        }
        const parsed = parse(line.text.split(separator));
        if (!parsed.ok) {
          if (!line.terminated) {
            this.skips.skip(
              'truncated-last-line',
              line.number,
              `last line has no newline and does not parse (${parsed.detail}): ${JSON.stringify(line.text.slice(0, 80))}`,
            );
          } else {
            this.skips.skip(parsed.reason, line.number, parsed.detail);
          }
          continue;
        }
        if (Number.isNaN(skipBefore)) skipBefore = parsed.timestamp + dayOffset * DAY_MS;
        if (parsed.timestamp < skipBefore) {
          this.stats.beforeDayOffset += 1;
          continue;
        }
        this.stats.rows += 1;
        rows.push({ line: line.number, timestamp: parsed.timestamp, readings: parsed.readings });
      }
      if (rows.length > 0) yield rows;
    }
    if (parse === undefined) throw new DatasetFormatError(`${this.path}:1`, 'empty file (no header)');
  }
}

export function openDataset(path: string, options: DatasetReaderOptions): DatasetReader {
  return new DatasetReader(path, options);
}
