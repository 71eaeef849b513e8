/**
 * The size cap of COLLECT_LIST / COLLECT_SET: `ksql.functions.collect_list.limit` /
 * `ksql.functions.collect_set.limit` (ksqlDB accepts 1–1000 when set per query; a negative value
 * means no cap). Unset, there is no cap, as in ksqlDB (CollectListUdaf starts from
 * Integer.MAX_VALUE and only a configured limit lowers it).
 */
export const DEFAULT_COLLECT_LIMIT = 2_147_483_647;

export function collectLimit(
  property: string,
  properties: Readonly<Record<string, string>> | undefined,
): number {
  const raw = properties?.[property];
  if (raw === undefined || raw.trim() === '') return DEFAULT_COLLECT_LIMIT;
  const n = Number.parseInt(raw, 10);
  if (Number.isNaN(n)) return DEFAULT_COLLECT_LIMIT;
  return n < 0 ? DEFAULT_COLLECT_LIMIT : n;
}
