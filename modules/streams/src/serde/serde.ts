/**
 * One serde type for the whole library: the stores' `Serde` (same shape as @meterstream/common's,
 * so the metric serdes plug in directly). Null never reaches a serde: a null key or value is a
 * tombstone and is passed through as null by sources, sinks and stores.
 */
export type { Serde } from '../state/serde.js';
export { Serdes } from '../state/serde.js';

/** Raised when a source cannot deserialize a record; names where the bytes came from. */
export class DeserializationError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly part: 'key' | 'value',
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`cannot deserialize ${part} of ${topic}-${partition}@${offset}${why}`, options);
    this.name = 'DeserializationError';
  }
}
