/**
 * The size cap of COLLECT_LIST / COLLECT_SET: `ksql.functions.collect_list.limit` /
 * `ksql.functions.collect_set.limit` (ksqlDB accepts 1–1000 when set per query; a negative value
 * means no cap). Unset, the cap is 1000 here — ksqlDB has none then, but an unbounded array per
 * key is a memory hazard in an embedded engine and 1000 is the largest value ksqlDB lets a query set.
 */
export const DEFAULT_COLLECT_LIMIT = 1000;

export function collectLimit(
  property: string,
  properties: Readonly<Record<string, string>> | undefined,
): number {
  const raw = properties?.[property];
  if (raw === undefined || raw.trim() === '') return DEFAULT_COLLECT_LIMIT;
  const n = Number.parseInt(raw, 10);
  if (Number.isNaN(n)) return DEFAULT_COLLECT_LIMIT;
  return n < 0 ? Number.MAX_SAFE_INTEGER : n;
}
