import { formatName } from '../engine/with-properties.js';
import type { FormatInfo } from '../format/format.js';
import type { WindowInfo } from './planned-stream.js';

/** One join input as the key-format resolution sees it (ksqlDB's JoiningNode). */
export interface KeyedSide {
  /** The side's current key format: its source's, or an earlier join's; undefined when unknown. */
  readonly format: FormatInfo | undefined;
  readonly window: WindowInfo | undefined;
  /** Whether the side must be re-keyed by its ON operand anyway (its key is not the operand). */
  readonly rekey: boolean;
  /**
   * Whether the side is an earlier join: keyed by the operand it is used as is, whatever the
   * format (ksqlDB adds no PreJoinRepartitionNode when the operand is in its equivalence set).
   */
  readonly joined: boolean;
  /** The key formats of the side's sources, FROM order (for the fallback when both are re-keyed). */
  readonly sourceFormats: readonly FormatInfo[];
}

export interface JoinKeyFormats {
  /** The format of the join's key: of its repartition topics, stores and result. */
  readonly format: FormatInfo;
  /** Whether a side keyed by its operand must still go through a repartition topic. */
  readonly forceLeft: boolean;
  readonly forceRight: boolean;
  /** Whether a forced repartition is for schema inference (then windowed sides may repartition). */
  readonly inference: boolean;
}

/**
 * Formats whose serializers derive and register a schema (ksqlDB's SerdeFeature.SCHEMA_INFERENCE):
 * two sources' keys may carry different schema ids for the same value, so ksqlDB always
 * repartitions both sides of a join with such a key format (ksql issue 6332).
 */
export const INFERRING: ReadonlySet<string> = new Set(['AVRO', 'JSON_SR', 'PROTOBUF']);

/**
 * ksqlDB's key format resolution for a join (KLIP-33, JoinNode.resolveKeyFormats and
 * PreJoinRepartitionNode): the left side's format when it needs no re-keying, else the right
 * side's when it needs none, else the first source's that is not NONE, else
 * `ksql.persistence.default.format.key`. A side keyed by its operand whose key format (or window)
 * differs from the join's is repartitioned into it, and with a schema-inferring format both sides
 * always are — except an earlier join's result, which ksqlDB takes as it is when already keyed by
 * the operand.
 */
export function resolveJoinKeyFormats(
  left: KeyedSide,
  right: KeyedSide,
  properties: Readonly<Record<string, string>>,
): JoinKeyFormats {
  const preferred = (s: KeyedSide) => (s.rekey ? undefined : s.format);
  const chosen = preferred(left) ??
    preferred(right) ??
    // ksqlDB's getDefaultSourceKeyFormat: the first source key format that is not NONE.
    [...left.sourceFormats, ...right.sourceFormats].find((f) => f.name !== 'NONE') ?? {
      name: formatName(properties['ksql.persistence.default.format.key'] ?? 'KAFKA'),
      properties: {},
    };
  const format = internalFormat(chosen);
  const inference = INFERRING.has(format.name);
  // The window is part of a key format: the side that sets the join's format sets its window too.
  const window = (!left.rekey ? left.window : undefined) ?? (!right.rekey ? right.window : undefined);
  const force = (s: KeyedSide) =>
    !s.rekey && !s.joined && (inference || !sameFormat(s.format, format) || !sameWindow(s.window, window));
  return { format, forceLeft: force(left), forceRight: force(right), inference };
}

/** Internal topics take a source's format without its schema id and name (as ksqlDB drops them). */
export function internalFormat(f: FormatInfo): FormatInfo {
  const { schemaId: _id, fullSchemaName: _name, ...rest } = f.properties;
  return { name: f.name, properties: rest };
}

function sameFormat(a: FormatInfo | undefined, b: FormatInfo): boolean {
  if (a === undefined) return true; // unknown: nothing to align
  const x = internalFormat(a);
  if (x.name !== b.name) return false;
  const keys = new Set([...Object.keys(x.properties), ...Object.keys(b.properties)]);
  return [...keys].every((k) => x.properties[k] === b.properties[k]);
}

function sameWindow(a: WindowInfo | undefined, b: WindowInfo | undefined): boolean {
  return a?.type === b?.type && a?.sizeMs === b?.sizeMs;
}
