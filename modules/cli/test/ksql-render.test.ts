import { describe, expect, it } from 'vitest';
import { renderEntity } from '../src/ksql/render-entities.js';
import { QueryTable, renderTable } from '../src/ksql/render-table.js';

describe('ksql CLI rendering', () => {
  it('draws tables as ksqlDB CLI does: columns as wide as their widest cell, a rule under the header and at the end', () => {
    expect(
      renderTable(
        ['Stream Name', 'Kafka Topic'],
        [
          ['METRICS', 'metrics'],
          ['KSQL_PROCESSING_LOG', 'default_ksql_processing_log'],
        ],
      ),
    ).toEqual([
      ' Stream Name         | Kafka Topic',
      '---------------------------------------------------',
      ' METRICS             | metrics',
      ' KSQL_PROCESSING_LOG | default_ksql_processing_log',
      '---------------------------------------------------',
    ]);
  });

  it('renders the entities of /ksql answers by type, and unknown ones as JSON', () => {
    expect(
      renderEntity({
        '@type': 'currentStatus',
        commandStatus: { status: 'SUCCESS', message: 'Stream created' },
        warnings: [{ message: 'careful' }],
      }),
    ).toEqual([' Message', '----------------', ' Stream created', '----------------', 'WARNING: careful']);
    const tables = renderEntity({
      '@type': 'tables',
      tables: [
        { name: 'COUNTS', topic: 'COUNTS', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: true },
      ],
    });
    expect(tables[0]).toBe(' Table Name | Kafka Topic | Key Format | Value Format | Windowed');
    expect(tables[2]).toBe(' COUNTS     | COUNTS      | KAFKA      | JSON         | true');
    expect(renderEntity({ '@type': 'something_new', x: 1 })).toEqual([
      JSON.stringify({ '@type': 'something_new', x: 1 }, null, 2),
    ]);
  });

  it('streams query rows between borders, values as text and structures as JSON', () => {
    const table = new QueryTable(['GATEWAY', 'KSQL_COL_0']);
    expect(table.header()).toEqual([
      '+------------------+------------------+',
      '|GATEWAY           |KSQL_COL_0        |',
      '+------------------+------------------+',
    ]);
    expect(table.row(['7', { A: [1, null] }])).toBe('|7                 |{"A":[1,null]}    |');
    expect(table.row([null, 12.5])).toBe('|null              |12.5              |');
  });
});
