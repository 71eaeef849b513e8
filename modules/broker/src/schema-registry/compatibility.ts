import avsc from 'avsc';

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

/** Parses an Avro schema text; throws with avsc's reason when it is not valid Avro. */
export function parseAvro(schema: string): avsc.Type {
  return avsc.Type.forSchema(JSON.parse(schema) as avsc.Schema);
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

/**
 * Checks `candidate` against the subject's existing schemas (oldest first) under `level`.
 * Returns the reasons it is incompatible; empty when compatible.
 */
export function compatibilityProblems(
  level: CompatibilityLevel,
  candidate: avsc.Type,
  existing: avsc.Type[],
): string[] {
  if (level === 'NONE' || existing.length === 0) return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const against = transitive ? existing : existing.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const old of against) {
    if (backward) {
      const why = cannotRead(candidate, old);
      if (why) problems.push(`new schema cannot read data written with an earlier one (${why})`);
    }
    if (forward) {
      const why = cannotRead(old, candidate);
      if (why) problems.push(`an earlier schema cannot read data written with the new one (${why})`);
    }
  }
  return problems;
}
