import type { SqlResult } from '@meterstream/datalake/sql';
import { cellText, renderTable } from '../ksql/render-table.js';

export const SQL_FORMATS = ['table', 'csv', 'json'] as const;
export type SqlFormat = (typeof SQL_FORMATS)[number];

/**
 * A result as text: `table` as the ksql CLI's tables with a row count (a statement without a result
 * set prints nothing), `csv` as RFC 4180 with a header line, `json` as an array of objects.
 */
export function formatSqlResult(result: SqlResult, format: SqlFormat): string {
  if (format === 'json') {
    const objects = result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]])));
    return `${JSON.stringify(objects, jsonValue, 2)}\n`;
  }
  if (format === 'csv') {
    const lines = [result.columns, ...result.rows.map((row) => row.map(csvCell))];
    return lines.map((cells) => cells.map(csvQuote).join(',')).join('\r\n') + '\r\n';
  }
  if (result.columns.length === 0) return '';
  const table = renderTable(
    result.columns,
    result.rows.map((row) => row.map(cellText)),
  );
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`;
  return `${[...table, count].join('\n')}\n`;
}

/** Non-finite doubles (NaN, ±Infinity) have no JSON form: they become their names as strings. */
function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

function csvCell(value: unknown): string {
  return value === null || value === undefined ? '' : cellText(value);
}

function csvQuote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
