/**
 * One serde type for the whole library: the stores' `Serde` (same shape as @meterstream/common's,
 * so the metric serdes plug in directly). Null never reaches a serde: a null key or value is a
 * tombstone and is passed through as null by sources, sinks and stores.
 */
export type { Serde } from '../state/serde.js';
export { Serdes } from '../state/serde.js';

import { DeserializationError } from '@meterstream/common';

/**
 * The one DeserializationError of the project is common's (the serdes raise it); the runtime
 * raises it too, located at the record's topic/partition/offset.
 */
export { DeserializationError };

/**
 * The error a source raises when it cannot deserialize the `part` of the record at
 * topic/partition/offset: `cause` is what the serde threw (kept as the cause, so consumers can
 * still read a serde's own kind). A serde's DeserializationError keeps its format, reason and kind;
 * any other failure is `bad-encoding` of the value or `malformed-key` of the key.
 */
export function recordDeserializationError(
  topic: string,
  partition: number,
  offset: number,
  part: 'key' | 'value',
  cause: unknown,
): DeserializationError {
  const source = { topic, partition, offset };
  if (cause instanceof DeserializationError) {
    return new DeserializationError(
      cause.reason,
      cause.format,
      { ...cause.source, ...source },
      {
        cause,
        kind: cause.kind,
        part,
      },
    );
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DeserializationError(reason, part, source, {
    cause,
    kind: part === 'key' ? 'malformed-key' : 'bad-encoding',
    part,
  });
}
