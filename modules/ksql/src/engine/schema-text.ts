import type { LogicalSchema } from '../schema/logical-schema.js';
import { formatSqlType, sqlTypeEquals } from '../types/sql-type.js';

/** A schema as ksqlDB prints it in messages: `` `K` STRING KEY, `V` INTEGER ``. */
export function formatSchema(schema: LogicalSchema): string {
  return [
    ...schema.key.map((c) => `\`${c.name}\` ${formatSqlType(c.type)} KEY`),
    ...schema.value.map((c) => `\`${c.name}\` ${formatSqlType(c.type)}`),
  ].join(', ');
}

/** Same key and value columns, names and types, in order (ksqlDB's LogicalSchema.compatibleSchema). */
export function compatibleSchemas(a: LogicalSchema, b: LogicalSchema): boolean {
  const same = (x: LogicalSchema['key'], y: LogicalSchema['key']) =>
    x.length === y.length && x.every((c, i) => c.name === y[i].name && sqlTypeEquals(c.type, y[i].type));
  return same(a.key, b.key) && same(a.value, b.value);
}
