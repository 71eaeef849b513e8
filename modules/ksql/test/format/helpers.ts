import type { Column } from '../../src/schema/logical-schema.js';
import type { SqlType } from '../../src/types/sql-type.js';

/** Value columns from `[name, type]` pairs. */
export function valueColumns(...pairs: [string, SqlType][]): Column[] {
  return pairs.map(([name, type]) => ({ name, type, namespace: 'VALUE' as const }));
}

export function keyColumns(...pairs: [string, SqlType][]): Column[] {
  return pairs.map(([name, type]) => ({ name, type, namespace: 'KEY' as const }));
}

export const hex = (b: Buffer): string => b.toString('hex');
