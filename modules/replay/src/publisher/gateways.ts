/** An inclusive range of numeric gateway ids, e.g. `0..4` (five gateways). */
export interface GatewayRange {
  from: number;
  to: number;
}

export const MAX_GATEWAYS = 1_000_000;

/** Parses `a..b` (inclusive) or a single id `n`; refuses empty, reversed or oversize ranges. */
export function parseGatewayRange(text: string): GatewayRange {
  const match = /^\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$/.exec(text);
  if (!match) throw new RangeError(`--gateways: expected a..b or n, got ${JSON.stringify(text)}`);
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (to < from) throw new RangeError(`--gateways: ${text} is reversed (expected from..to with from <= to)`);
  if (to - from + 1 > MAX_GATEWAYS)
    throw new RangeError(`--gateways: ${text} names ${to - from + 1} gateways, more than ${MAX_GATEWAYS}`);
  return { from, to };
}

export function gatewayCount(range: GatewayRange): number {
  return range.to - range.from + 1;
}
