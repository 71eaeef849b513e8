import type { Column } from '../schema/logical-schema.js';
import { formatSqlType } from '../types/sql-type.js';
import type { FormatInfo } from './format.js';

export type Part = 'key' | 'value';

/**
 * A format property, by ksqlDB's internal name (`delimiter`, `schemaId`, `fullSchemaName`, as in
 * its plans) or by the WITH property that sets it for this part (`VALUE_DELIMITER`,
 * `KEY_SCHEMA_ID`, `VALUE_AVRO_SCHEMA_FULL_NAME`, …), whichever the planner passed.
 */
export function formatProperty(
  format: FormatInfo,
  part: Part,
  name: 'delimiter' | 'schemaId' | 'fullSchemaName',
): string | undefined {
  const p = format.properties;
  const prefix = part === 'key' ? 'KEY_' : 'VALUE_';
  switch (name) {
    case 'delimiter':
      return p.delimiter ?? p[`${prefix}DELIMITER`];
    case 'schemaId':
      return p.schemaId ?? p[`${prefix}SCHEMA_ID`];
    case 'fullSchemaName':
      return (
        p.fullSchemaName ??
        p[`${prefix}SCHEMA_FULL_NAME`] ??
        p[`${prefix}AVRO_SCHEMA_FULL_NAME`] ??
        (part === 'value' ? p.VALUE_AVRO_SCHEMA_FULL_NAME : undefined)
      );
  }
}

/** A column as ksqlDB prints it in format errors: `` `K` STRING KEY ``. */
export function describeColumn(c: Pick<Column, 'name' | 'type'>, part: Part): string {
  return `\`${c.name}\` ${formatSqlType(c.type)}${part === 'key' ? ' KEY' : ''}`;
}

export function describeColumns(columns: readonly Pick<Column, 'name' | 'type'>[], part: Part): string {
  return `[${columns.map((c) => describeColumn(c, part)).join(', ')}]`;
}

/**
 * A record that cannot be (de)serialized: ksqlDB's SerializationException text. The source or sink
 * that called the serde adds where the record came from.
 */
export class SerdeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SerdeError';
  }
}

/** Tombstones are null: a serde may return null for a payload that holds no row (`null` in JSON). */
export const NULL_ROW = null as unknown as unknown[];
