import type { MetricAttribute } from '@meterstream/common';
import type { AttributeReading } from './dataset-row.js';
import type { LocalTimeConverter } from './local-time.js';
import type { SkipReason } from './skip-report.js';

/** The outcome of parsing one data line. */
export type ParsedLine =
  | { ok: true; timestamp: number; readings: AttributeReading[] }
  | { ok: false; reason: SkipReason; detail: string };

/** One dataset file layout: how to recognise its header and turn a data line into readings. */
export interface DatasetFormat {
  readonly name: string;
  readonly separator: string;
  readonly attributes: readonly MetricAttribute[];
  /** True when `header` (the first line) is this format's. */
  matches(header: string): boolean;
  /**
   * Builds the line parser for a file whose header is `header`; columns are found by name, so a
   * reordered file still maps P to active and Q to reactive power.
   */
  parser(header: string, context: { converter: LocalTimeConverter }): (fields: string[]) => ParsedLine;
}

export function columnIndex(header: string[], name: string): number {
  const index = header.indexOf(name);
  if (index < 0) throw new Error(`missing column ${JSON.stringify(name)}`);
  return index;
}

export function fail(reason: SkipReason, detail: string): ParsedLine {
  return { ok: false, reason, detail };
}
