import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StatementOf } from '../../src/parser/ast.js';
import { parseStatements } from '../../src/parser/index.js';
import { show } from './parse-helpers.js';

// The project's own ksqlDB script (ksql/queries.ksql at the repository root).
const script = readFileSync(new URL('../../../../ksql/queries.ksql', import.meta.url), 'utf8');

describe('ksql/queries.ksql', () => {
  const statements = parseStatements(script);
  const byName = (name: string) =>
    statements.find((s) => (s.kind === 'CreateSource' || s.kind === 'CreateAsSelect') && s.name === name);

  it('parses every statement, each with its own text', () => {
    expect(statements.map((s) => s.kind)).toEqual([
      'SetProperty',
      'CreateSource',
      'CreateAsSelect',
      'CreateSource',
      'CreateSource',
      'CreateSource',
      'CreateSource',
      'CreateAsSelect',
      'CreateAsSelect',
      'CreateAsSelect',
      'CreateAsSelect',
      'CreateSource',
      'InsertValues',
      'InsertValues',
      'InsertValues',
      'InsertValues',
      'CreateAsSelect',
      'CreateAsSelect',
      'CreateAsSelect',
      'CreateAsSelect',
      'QueryStatement',
    ]);
    for (const s of statements) {
      expect(script).toContain(s.text);
      expect(s.text.endsWith(';')).toBe(false);
    }
  });

  it('the raw metrics stream: a key column, Avro values, the timestamp column quoted', () => {
    const raw = byName('METRICS_RAW') as StatementOf<'CreateSource'>;
    expect(raw.ifNotExists).toBe(true);
    expect(raw.elements).toMatchObject([{ name: 'METRIC_KEY', type: { base: 'STRING' }, constraint: 'KEY' }]);
    expect(raw.properties.get('TIMESTAMP')?.value).toBe('`TIMESTAMP`');
    expect(raw.properties.get('TIMESTAMP_FORMAT')?.value).toBe("yyyy-MM-dd'T'HH:mm:ss[.SSS]X");
    const aggregates = byName('AGGREGATES_60') as StatementOf<'CreateSource'>;
    expect(aggregates.elements?.map((e) => e.name)).toContain('min');
  });

  it('the re-partitioned copy and the series stream partition by expressions', () => {
    const json = byName('METRICS_JSON') as StatementOf<'CreateAsSelect'>;
    expect(json.query.partitionBy?.map(show)).toEqual(['GATEWAY']);
    expect(json.properties.get('PARTITIONS')?.value).toBe(4);
    const series = byName('METRICS_BY_SERIES') as StatementOf<'CreateAsSelect'>;
    expect(series.query.partitionBy?.map(show)).toEqual(["CONCAT(METRICTYPE, '.', METRICATTRIBUTE)"]);
  });

  it('alarms: a stream-table join with aliases and a CASE', () => {
    const alarms = byName('ALARMS') as StatementOf<'CreateAsSelect'>;
    expect(alarms.query.from).toMatchObject({ name: 'METRICS_BY_SERIES', alias: 'M' });
    expect(alarms.query.joins).toMatchObject([{ type: 'INNER', right: { name: 'THRESHOLDS', alias: 'T' } }]);
    expect(show(alarms.query.where as never)).toBe('((M.VALUE < T.MIN_VALUE) OR (M.VALUE > T.MAX_VALUE))');
    const alarm = alarms.query.select.find((s) => s.kind === 'SingleColumn' && s.alias === 'ALARM');
    expect(alarm?.kind === 'SingleColumn' && alarm.expression.kind).toBe('SearchedCase');
  });

  it('the windowed count: tumbling 5 minutes with a 5 minute grace period', () => {
    const counts = byName('MESSAGES_PER_GATEWAY_5M') as StatementOf<'CreateAsSelect'>;
    expect(counts.sourceType).toBe('TABLE');
    expect(counts.query.window).toMatchObject({
      kind: 'TUMBLING',
      size: { value: 5, unit: 'MINUTES' },
      grace: { value: 5, unit: 'MINUTES' },
    });
    expect(counts.query.groupBy?.map(show)).toEqual(['GATEWAY']);
  });

  it('the inserted thresholds and the final pull query', () => {
    const inserts = statements.filter((s): s is StatementOf<'InsertValues'> => s.kind === 'InsertValues');
    expect(inserts[0].columns).toEqual(['ROWTIME', 'SERIES', 'MIN_VALUE', 'MAX_VALUE']);
    expect(inserts[0].values).toMatchObject([
      { kind: 'IntegerLiteral', value: 0 },
      { kind: 'StringLiteral', value: 'ELECTRICITY.VOLTAGE' },
      { kind: 'DecimalLiteral', text: '225.0' },
      { kind: 'DecimalLiteral', text: '245.0' },
    ]);
    const pull = statements[statements.length - 1] as StatementOf<'QueryStatement'>;
    expect(pull.query.emit).toBeUndefined();
    expect(show(pull.query.where as never)).toBe("(GATEWAY = '0')");
  });
});
