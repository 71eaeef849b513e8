/** Shapes of the schema table in messages.generated.ts (written by scripts/generate-messages.ts). */

/** Inclusive version range; 32767 stands for "and every later version". */
export type VersionRange = readonly [number, number];

export interface FieldSpec {
  /** Field name: the JSON name with its first letter lower-cased. */
  readonly n: string;
  /** Primitive type, `[]<primitive>`, `struct` or `[]struct`. */
  readonly t: string;
  /** Default value for primitives (used when the field is absent in a version, or omitted). */
  readonly d?: unknown;
  /** Sub-fields of a struct. */
  readonly f?: readonly FieldSpec[];
  readonly v: VersionRange;
  /** Versions in which the field may be null. */
  readonly nv?: VersionRange;
  /** Tag number when the field is a tagged field (in the versions `tv`). */
  readonly tag?: number;
  readonly tv?: VersionRange;
  /** The field keeps its non-compact encoding even in flexible versions. */
  readonly noFlex?: boolean;
}

export interface MessageSchema {
  readonly name: string;
  readonly valid: VersionRange;
  /** First flexible version (32767 when the message never is). */
  readonly flex: number;
  readonly fields: readonly FieldSpec[];
}

/**
 * Record data in a response: one buffer, or several (slices of the log written out one after
 * another without being copied together).
 */
export type RecordsData = Buffer | readonly Buffer[];
