import type { MetricAttribute, MetricType } from '@meterstream/common';

/** One attribute's value in a dataset row, already in the project's units (kW, kVAR, V, A, L). */
export interface AttributeReading {
  attribute: MetricAttribute;
  value: number;
}

/** One dataset line turned into readings at one instant. */
export interface DatasetRow {
  /** 1-based line number in the file. */
  line: number;
  /** Epoch milliseconds (UTC). */
  timestamp: number;
  readings: readonly AttributeReading[];
}

/** What `--type` names: the meter a dataset file holds. */
export const DATASET_TYPES = ['electricity', 'water', 'gas'] as const;
export type DatasetType = (typeof DATASET_TYPES)[number];

export const METRIC_TYPE_OF: Readonly<Record<DatasetType, MetricType>> = {
  electricity: 'ELECTRICITY',
  water: 'WATER',
  gas: 'GAS',
};

/** A dataset file that is not what the caller said it was (wrong header for `--type`). */
export class DatasetFormatError extends Error {
  override readonly name = 'DatasetFormatError';
  constructor(
    /** `file:line`. */
    readonly location: string,
    readonly reason: string,
  ) {
    super(`${location}: ${reason}`);
  }
}

/**
 * Strict decimal number: `Number('')` is 0 and `Number(' ')` is 0, which would turn an empty field
 * into a reading; both are refused here (NaN).
 */
export function parseDecimal(text: string): number {
  if (text.length === 0) return Number.NaN;
  const value = +text;
  return Number.isFinite(value) ? value : Number.NaN;
}
