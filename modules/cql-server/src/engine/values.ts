import type { Term } from '../cql/ast.js';
import { invalidRequest } from '../protocol/errors.js';
import type { WireValue } from '../protocol/reader.js';
import type { CqlType } from '../types/cql-type.js';
import { literalToBytes, validateValue } from '../types/codec.js';

/**
 * Where a value comes from at execution time: a literal converted once at compile time, or a bind
 * marker index. Resolving is an array read plus a cheap validation.
 */
export type ValueSource = { literal: Buffer | null } | { bind: number; type: CqlType; column: string };

export function sourceFor(term: Term, type: CqlType, column: string): ValueSource {
  if (term.kind === 'bind') return { bind: term.index, type, column };
  return { literal: literalToBytes(type, term.lit, column) };
}

/** Resolves to bytes, null, or undefined for an unset bind value. */
export function resolve(src: ValueSource, values: WireValue[]): WireValue {
  if ('literal' in src) return src.literal;
  if (src.bind >= values.length) {
    throw invalidRequest(`There were ${values.length} markers(?) in CQL but fewer values were bound`);
  }
  const v = values[src.bind];
  if (v) validateValue(src.type, v, src.column);
  return v;
}

/** Resolves a key component: null and unset are errors, as in Cassandra. */
export function resolveKey(src: ValueSource, values: WireValue[], column: string): Buffer {
  const v = resolve(src, values);
  if (v === null) throw invalidRequest(`Invalid null value in condition for column ${column}`);
  if (v === undefined) throw invalidRequest(`Invalid unset value for column ${column}`);
  return v;
}

/** Splits a serialized list/set (IN ? marker) into its element values. */
export function splitCollection(b: Buffer, elementType: CqlType, column: string): Buffer[] {
  const out: Buffer[] = [];
  if (b.length < 4) throw invalidRequest(`Invalid list value for IN on ${column}`);
  const n = b.readInt32BE(0);
  let pos = 4;
  for (let i = 0; i < n; i++) {
    if (pos + 4 > b.length) throw invalidRequest(`Invalid list value for IN on ${column}`);
    const len = b.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > b.length) throw invalidRequest(`Invalid list value for IN on ${column}`);
    const v = b.subarray(pos, pos + len);
    validateValue(elementType, v, column);
    out.push(v);
    pos += len;
  }
  return out;
}
