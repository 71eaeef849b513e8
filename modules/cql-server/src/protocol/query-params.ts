import { protocolError } from './errors.js';
import type { BodyReader, WireValue } from './reader.js';

export const QueryFlag = {
  values: 0x01,
  skipMetadata: 0x02,
  pageSize: 0x04,
  pagingState: 0x08,
  serialConsistency: 0x10,
  defaultTimestamp: 0x20,
  namesForValues: 0x40,
} as const;

/** The <query_parameters> of QUERY and EXECUTE (spec section 4.1.4). */
export interface QueryParams {
  consistency: number;
  values: WireValue[];
  /** Set when the client sent named values (flag 0x40). */
  names?: string[];
  skipMetadata: boolean;
  pageSize: number;
  pagingState?: Buffer;
}

export function readQueryParams(r: BodyReader): QueryParams {
  const consistency = r.short();
  const flags = r.byte();
  const values: WireValue[] = [];
  let names: string[] | undefined;
  if (flags & QueryFlag.values) {
    const n = r.short();
    if (flags & QueryFlag.namesForValues) names = [];
    for (let i = 0; i < n; i++) {
      if (names) names.push(r.string());
      values.push(r.value());
    }
  }
  let pageSize = -1;
  if (flags & QueryFlag.pageSize) pageSize = r.int();
  let pagingState: Buffer | undefined;
  if (flags & QueryFlag.pagingState) pagingState = r.bytes() ?? undefined;
  if (flags & QueryFlag.serialConsistency) r.short();
  if (flags & QueryFlag.defaultTimestamp) r.long();
  if (flags & 0x80) throw protocolError(`Unknown query flags 0x${flags.toString(16)}`);
  return {
    consistency,
    values,
    names,
    skipMetadata: (flags & QueryFlag.skipMetadata) !== 0,
    pageSize,
    pagingState,
  };
}

/** Orders named values by the statement's markers; a marker without a value is "unset". */
export function orderNamedValues(
  params: QueryParams,
  markerNames: (string | undefined)[],
  specs: readonly { name: string }[],
): WireValue[] {
  if (!params.names) return params.values;
  const byName = new Map<string, WireValue>();
  params.names.forEach((n, i) => {
    byName.set(n.toLowerCase(), params.values[i]);
  });
  return specs.map((spec, i) => {
    const name = (markerNames[i] ?? spec.name).toLowerCase();
    return byName.has(name) ? byName.get(name) : undefined;
  });
}
