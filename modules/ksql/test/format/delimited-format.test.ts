import { describe, expect, it } from 'vitest';
import { parseFirstRecord, quoteMinimal } from '../../src/format/delimited-format.js';
import { createFormats } from '../../src/format/formats.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { Decimal } from '../../src/values/decimal.js';
import { keyColumns, valueColumns } from './helpers.js';

const formats = createFormats(new InMemorySchemaRegistry());
const delimited = (properties: Record<string, string> = {}) => ({ name: 'DELIMITED' as const, properties });
const ctx = { topic: 'd' };
const text = (b: Buffer) => b.toString('utf8');

describe('DELIMITED format', () => {
  const columns = valueColumns(
    ['B', T.BOOLEAN],
    ['I', T.INTEGER],
    ['L', T.BIGINT],
    ['D', T.DOUBLE],
    ['DEC', T.decimal(5, 2)],
    ['S', T.STRING],
    ['BY', T.BYTES],
    ['DT', T.DATE],
    ['TM', T.TIME],
    ['TS', T.TIMESTAMP],
  );
  const row = [true, 1, 10, 1.5, new Decimal(1234n, 2), 'x', Buffer.from('abc'), 3, 1000, 1600000000000];

  it('writes one line of values; doubles in Java notation, decimals plain, bytes base64', async () => {
    const serde = await formats.valueSerde(delimited(), columns, ctx);
    expect(text(serde.serialize(row))).toBe('true,1,10,1.5,12.34,x,YWJj,3,1000,1600000000000');
    expect(text(serde.serialize([false, 1, 1, 2, null, null, null, null, null, null]))).toBe(
      'false,1,1,2.0,,,,,,',
    );
  });

  it('round-trips every supported type, nulls as empty fields', async () => {
    const serde = await formats.valueSerde(delimited(), columns, ctx);
    expect(serde.deserialize(serde.serialize(row))).toEqual(row);
    const nulls = columns.map(() => null);
    expect(serde.deserialize(serde.serialize(nulls))).toEqual(nulls);
  });

  it('quotes as commons-csv 1.4 does', async () => {
    const serde = await formats.valueSerde(delimited(), valueColumns(['A', T.STRING], ['B', T.STRING]), ctx);
    expect(text(serde.serialize(['a,b', 'say "hi"']))).toBe('"a,b","say ""hi"""');
    // The first field is quoted unless it starts with a letter or digit; empty first field too.
    expect(text(serde.serialize(['-1', '-1']))).toBe('"-1",-1');
    expect(text(serde.serialize(['', '']))).toBe('"",');
    expect(text(serde.serialize(['x ', '#y']))).toBe('"x ","#y"');
    expect(text(serde.serialize(['line\nbreak', 'ok']))).toBe('"line\nbreak",ok');
    expect(quoteMinimal('a|b', '|', false)).toBe('"a|b"');
    expect(quoteMinimal('a,b', '|', false)).toBe('a,b');
  });

  it('reads quoted fields, doubled quotes, blanks after a closing quote and a trailing delimiter', () => {
    expect(parseFirstRecord('"a,b", c ,"x""y"  ', ',')).toEqual(['a,b', ' c ', 'x"y']);
    expect(parseFirstRecord('a,', ',')).toEqual(['a', '']);
    expect(parseFirstRecord('\n\na,b\nc,d', ',')).toEqual(['a', 'b']);
    expect(parseFirstRecord('', ',')).toBeUndefined();
    expect(() => parseFirstRecord('"a"x,b', ',')).toThrow(
      'invalid char between encapsulated token and delimiter',
    );
    expect(() => parseFirstRecord('"abc', ',')).toThrow('EOF reached before encapsulated token finished');
  });

  it('uses VALUE_DELIMITER / KEY_DELIMITER, with the names TAB and SPACE', async () => {
    const two = valueColumns(['A', T.STRING], ['B', T.INTEGER]);
    const tab = await formats.valueSerde(delimited({ VALUE_DELIMITER: 'TAB' }), two, ctx);
    expect(text(tab.serialize(['a', 1]))).toBe('a\t1');
    expect(tab.deserialize(Buffer.from('x\t2'))).toEqual(['x', 2]);
    const space = await formats.valueSerde(delimited({ delimiter: 'SPACE' }), two, ctx);
    expect(text(space.serialize(['a b', 1]))).toBe('"a b" 1');
    const key = await formats.keySerde(
      delimited({ KEY_DELIMITER: '|' }),
      keyColumns(['K1', T.BIGINT], ['K2', T.BIGINT]),
      ctx,
    );
    expect(key.deserialize(Buffer.from('120|21'))).toEqual([120, 21]);
    expect(() => formats.validate(delimited({ VALUE_DELIMITER: '<>' }), two, 'value')).toThrow(
      "Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: '<>'. Delimiter must be a single character or TAB,SPACE",
    );
  });

  it('reports column count mismatches and bad numbers', async () => {
    const serde = await formats.valueSerde(
      delimited(),
      valueColumns(['A', T.INTEGER], ['B', T.INTEGER]),
      ctx,
    );
    expect(() => serde.deserialize(Buffer.from('1'))).toThrow(
      'Error deserializing delimited: Column count mismatch on deserialization. topic: d, expected: 2, got: 1',
    );
    expect(() => serde.deserialize(Buffer.from('1,x'))).toThrow(/For input string: "x"/);
  });

  it("rejects complex types with ksqlDB's message", () => {
    expect(() => formats.validate(delimited(), keyColumns(['K', T.array(T.DOUBLE)]), 'key')).toThrow(
      "Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` ARRAY<DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `K`",
    );
  });
});
