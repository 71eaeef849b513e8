/**
 * Tables as ksqlDB's CLI prints them: a header, a rule under it and one at the end, columns as wide
 * as their widest cell, every cell padded by one space.
 *
 *  Stream Name | Kafka Topic | Key Format
 * ---------------------------------------
 *  METRICS     | metrics     | KAFKA
 * ---------------------------------------
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => ` ${(c ?? '').padEnd(widths[i] ?? 0)} `)
      .join('|')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((sum, w) => sum + w + 3, -1));
  return [line(headers), rule, ...rows.map(line), rule];
}

/** Key/value pairs one per line (`DESCRIBE` headers): `Name                 : METRICS`. */
export function renderPairs(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)} : ${v}`);
}

/**
 * The borders of a query's result, as ksqlDB's CLI streams them: column names between `|`, each
 * column at least as wide as its name (and 18 characters, so short names leave room for values).
 */
export class QueryTable {
  private readonly widths: number[];

  constructor(readonly columns: readonly string[]) {
    this.widths = columns.map((c) => Math.max(c.length, 18));
  }

  private rule(): string {
    return `+${this.widths.map((w) => '-'.repeat(w)).join('+')}+`;
  }

  header(): string[] {
    return [
      this.rule(),
      `|${this.columns.map((c, i) => c.padEnd(this.widths[i] ?? 0)).join('|')}|`,
      this.rule(),
    ];
  }

  row(values: readonly unknown[]): string {
    return `|${values.map((v, i) => cellText(v).padEnd(this.widths[i] ?? 0)).join('|')}|`;
  }

  footer(): string {
    return this.rule();
  }
}

/** A value as the CLI shows it: strings bare, null as `null`, structures as JSON. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
