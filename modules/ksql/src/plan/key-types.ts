import { KsqlError } from '../errors.js';
import type { Column } from '../schema/logical-schema.js';
import { formatSqlType, type SqlType } from '../types/sql-type.js';

/** ksqlDB refuses MAP-typed key columns (and types containing maps): their serialized form is not stable. */
export function checkKeyTypes(key: readonly Column[]): void {
  for (const c of key) {
    if (containsMap(c.type)) {
      throw new KsqlError(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${c.name}\`. Column type: ${formatSqlType(c.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      );
    }
  }
}

function containsMap(t: SqlType): boolean {
  if (t.base === 'MAP') return true;
  if (t.base === 'ARRAY') return containsMap(t.element);
  if (t.base === 'STRUCT') return t.fields.some((f) => containsMap(f.type));
  return false;
}
