import type avsc from 'avsc';

/** Compatibility levels as Confluent names them. */
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/**
 * Why `reader` cannot read data written with `writer`, or undefined when it can. avsc's resolver
 * applies the Avro schema-resolution rules (missing reader fields need defaults, promotions, enum
 * symbols, union branches) and throws when they fail.
 */
export function cannotRead(reader: avsc.Type, writer: avsc.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
