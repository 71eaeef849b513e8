import { describe, expect, it } from 'vitest';
import type { Expression, SelectItem } from '../../src/parser/ast.js';
import { selectAliases } from '../../src/plan/aggregate-aliases.js';
import { add, call, col, int } from './aggregate-helpers.js';

const single = (expression: Expression, alias?: string) =>
  ({ kind: 'SingleColumn', expression, alias }) as SelectItem & { kind: 'SingleColumn' };
const deref = (base: Expression, field: string): Expression => ({ kind: 'Dereference', base, field });

describe('selectAliases (ksqlDB default column names)', () => {
  it('columns keep their names, struct fields take the field name, others are KSQL_COL_n in order', () => {
    const items = [
      single(deref(col('ADDRESS'), 'TOWN')),
      single(col('F1')),
      single(add(col('F1'), int(1))),
      single(call('COUNT', col('F1'))),
      single(col('F2'), 'X'),
      single(int(2)),
    ];
    expect(selectAliases(items, ['F1', 'F2', 'ADDRESS'])).toEqual([
      'TOWN',
      'F1',
      'KSQL_COL_0',
      'KSQL_COL_1',
      'X',
      'KSQL_COL_2',
    ]);
  });

  it('skips numbers source columns already use', () => {
    const items = [single(int(1)), single(int(2)), single(deref(col('S'), 'NAME'))];
    expect(selectAliases(items, ['KSQL_COL_0', 'KSQL_COL_2', 'NAME', 'S'])).toEqual([
      'KSQL_COL_1',
      'KSQL_COL_3',
      'NAME_1',
    ]);
  });
});
