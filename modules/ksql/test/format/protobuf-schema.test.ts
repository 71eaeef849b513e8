import { describe, expect, it } from 'vitest';
import { printProtoFile, protobufSchemaOf } from '../../src/format/protobuf-schema.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { valueColumns } from './helpers.js';

const text = (...args: Parameters<typeof protobufSchemaOf>) => printProtoFile(protobufSchemaOf(...args).file);

describe('PROTOBUF schema derived from columns', () => {
  it('writes primitives as proto3 scalars in a ConnectDefault1 message', () => {
    expect(
      text(valueColumns(['ID', T.BIGINT], ['NAME', T.STRING], ['OK', T.BOOLEAN], ['RAW', T.BYTES]), true),
    ).toBe(
      [
        'syntax = "proto3";',
        '',
        'message ConnectDefault1 {',
        '  int64 ID = 1;',
        '  string NAME = 2;',
        '  bool OK = 3;',
        '  bytes RAW = 4;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('nests struct and map-entry messages numbered depth-first, with imports in order of use', () => {
    const schema = text(
      valueColumns(
        ['AT', T.TIMESTAMP],
        [
          'ORDER',
          T.struct([
            { name: 'PRICE', type: T.decimal(6, 3) },
            { name: 'LINES', type: T.array(T.struct([{ name: 'SKU', type: T.STRING }])) },
          ]),
        ],
        ['ATTRS', T.map(T.STRING, T.map(T.STRING, T.DOUBLE))],
        ['DAY', T.DATE],
        ['CLOCK', T.TIME],
        ['COUNTS', T.array(T.INTEGER)],
      ),
      true,
    );
    expect(schema).toBe(
      [
        'syntax = "proto3";',
        '',
        'import "google/protobuf/timestamp.proto";',
        'import "confluent/type/decimal.proto";',
        'import "google/type/date.proto";',
        'import "google/type/timeofday.proto";',
        '',
        'message ConnectDefault1 {',
        '  google.protobuf.Timestamp AT = 1;',
        '  ConnectDefault2 ORDER = 2;',
        '  repeated ConnectDefault4Entry ATTRS = 3;',
        '  google.type.Date DAY = 4;',
        '  google.type.TimeOfDay CLOCK = 5;',
        '  repeated int32 COUNTS = 6;',
        '',
        '  message ConnectDefault2 {',
        '    confluent.type.Decimal PRICE = 1 [(confluent.field_meta) = {',
        '      params: [',
        '        {',
        '          value: "6",',
        '          key: "precision"',
        '        },',
        '        {',
        '          value: "3",',
        '          key: "scale"',
        '        }',
        '      ]',
        '    }];',
        '    repeated ConnectDefault3 LINES = 2;',
        '  ',
        '    message ConnectDefault3 {',
        '      string SKU = 1;',
        '    }',
        '  }',
        '  message ConnectDefault4Entry {',
        '    string key = 1;',
        '    repeated ConnectDefault5Entry value = 2;',
        '  ',
        '    message ConnectDefault5Entry {',
        '      string key = 1;',
        '      double value = 2;',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('marks nullable fields optional, or wraps them, per the nullable representation', () => {
    const cols = valueColumns(['I', T.INTEGER], ['S', T.STRING], ['XS', T.array(T.BIGINT)]);
    expect(text(cols, true, { nullable: 'optional' })).toContain(
      'message ConnectDefault1 {\n  optional int32 I = 1;\n  optional string S = 2;\n  repeated int64 XS = 3;\n}\n',
    );
    const wrapped = text(cols, true, { nullable: 'wrapper' });
    expect(wrapped).toContain('import "google/protobuf/wrappers.proto";\n');
    expect(wrapped).toContain(
      '  google.protobuf.Int32Value I = 1;\n  google.protobuf.StringValue S = 2;\n  repeated google.protobuf.Int64Value XS = 3;\n',
    );
  });

  it('names the root after *_SCHEMA_FULL_NAME (package and message), nested messages from ConnectDefault1', () => {
    const derived = protobufSchemaOf(
      valueColumns(['INNER', T.struct([{ name: 'A', type: T.INTEGER }])]),
      true,
      { fullName: 'com.acme.Order' },
    );
    expect(derived.root).toBe('com.acme.Order');
    expect(printProtoFile(derived.file)).toBe(
      'syntax = "proto3";\npackage com.acme;\n\nmessage Order {\n  ConnectDefault1 INNER = 1;\n\n  message ConnectDefault1 {\n    int32 A = 1;\n  }\n}\n',
    );
  });

  it('ignores a full name that is a default name, as ksqlDB does', () => {
    expect(protobufSchemaOf(valueColumns(['A', T.INTEGER]), true, { fullName: 'ConnectDefault7' }).root).toBe(
      'ConnectDefault1',
    );
  });

  it('uses the google.protobuf wrapper as the root of an unwrapped primitive (PROTOBUF_NOSR)', () => {
    const derived = protobufSchemaOf(valueColumns(['V', T.DOUBLE]), false);
    expect(derived.root).toBe('google.protobuf.DoubleValue');
    expect(derived.file.messages).toEqual([]);
  });

  it('rejects maps with non-string keys, and arrays of arrays or maps', () => {
    expect(() => protobufSchemaOf(valueColumns(['M', T.map(T.INTEGER, T.DOUBLE)]), true)).toThrow(
      'PROTOBUF format only supports MAP types with STRING keys',
    );
    expect(() => protobufSchemaOf(valueColumns(['AA', T.array(T.array(T.INTEGER))]), true)).toThrow(
      'PROTOBUF format does not support ARRAY<ARRAY>',
    );
    expect(() => protobufSchemaOf(valueColumns(['AM', T.array(T.map(T.STRING, T.INTEGER))]), true)).toThrow(
      'PROTOBUF format does not support ARRAY<MAP>',
    );
  });
});
