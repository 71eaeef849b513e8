import avro from 'avsc';
import { DeserializationError } from '../errors.js';
import { formatInstant, parseInstant } from '../time.js';

/**
 * Avro logical type `iso-instant` over `string`: an ISO-8601 instant on the wire, epoch milliseconds
 * in memory. Only the reader schema metric-reading.avsc uses it, so the decoded record already holds
 * the parsed timestamp and needs no second object; a writer's plain `string` resolves to it. An
 * unparsable instant fails the decode with parseInstant's explanation.
 */
export class IsoInstantType extends avro.types.LogicalType {
  protected override _fromValue(text: string | undefined): number {
    // A string cut off by the end of the buffer reads as undefined; avsc then reports the truncation.
    if (text === undefined) return Number.NaN;
    const instant = parseInstant(text);
    // Typed, so the reader that wraps avsc's failure keeps the reason (bad-timestamp, not bad-encoding).
    if (typeof instant !== 'number')
      throw new DeserializationError(instant.error, 'iso-instant', undefined, { kind: 'bad-timestamp' });
    return instant;
  }

  protected override _toValue(epochMs: number): string | undefined {
    return Number.isFinite(epochMs) ? formatInstant(epochMs) : undefined;
  }

  protected override _resolve(writer: avro.Type): ((text: string | undefined) => number) | undefined {
    if (avro.Type.isType(writer, 'string', 'logical:iso-instant'))
      return (text: string | undefined) => this._fromValue(text);
    return undefined;
  }
}

export const ISO_INSTANT_LOGICAL_TYPES = { 'iso-instant': IsoInstantType };
