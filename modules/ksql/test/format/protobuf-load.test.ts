import { describe, expect, it } from 'vitest';
import {
  decodeMessageIndexes,
  encodeMessageIndexes,
  loadProto,
  messageAt,
  messageIndexes,
  metaParams,
  pickMessage,
  rewriteMetaOptions,
} from '../../src/format/protobuf-load.js';

describe('PROTOBUF schema loading', () => {
  it('encodes message indexes as Confluent does: [0] as one zero byte, else zigzag count and indexes', () => {
    expect(encodeMessageIndexes([0]).toString('hex')).toBe('00');
    expect(encodeMessageIndexes([1]).toString('hex')).toBe('0202');
    expect(encodeMessageIndexes([2, 0, 70]).toString('hex')).toBe('06' + '04' + '00' + '8c01');
    for (const path of [[0], [3], [1, 2], [0, 0, 65]]) {
      const bytes = Buffer.concat([Buffer.from([9]), encodeMessageIndexes(path), Buffer.from([7])]);
      expect(decodeMessageIndexes(bytes, 1)).toEqual({ indexes: path, end: bytes.length - 1 });
    }
  });

  it('finds messages by full name, simple name or index path, counting messages only', () => {
    const schema = loadProto(
      'syntax = "proto3"; package a.b; enum E { X = 0; } message One { message Inner { int32 x = 1; } enum F { Y = 0; } message Deep { string s = 1; } } message Two { bool t = 1; }',
    );
    const deep = pickMessage(schema, 'a.b.One.Deep');
    expect(deep?.name).toBe('Deep');
    expect(pickMessage(schema, 'Two')?.name).toBe('Two');
    expect(pickMessage(schema, 'a.b.Nope')).toBeUndefined();
    expect(messageIndexes(schema, deep!)).toEqual([0, 1]);
    expect(messageAt(schema, [1])?.name).toBe('Two');
    expect(messageAt(schema, [0, 1])?.name).toBe('Deep');
  });

  it('reads confluent.field_meta params that protobufjs cannot parse itself', () => {
    const text =
      'syntax = "proto3"; import "confluent/type/decimal.proto"; message M { confluent.type.Decimal d = 1 [(confluent.field_meta) = {\n params: [\n {\n value: "8",\n key: "precision"\n },\n { value: "}", key: "scale" }\n ]\n }]; }';
    expect(rewriteMetaOptions(text)).toContain('[(confluent_meta) = "precision=8;scale=%7D"]');
    const field = loadProto(text).messages[0].fields.d;
    expect([...metaParams(field)]).toEqual([
      ['precision', '8'],
      ['scale', '}'],
    ]);
  });

  it('resolves imports from the given texts (schema references), refusing unknown ones', () => {
    const text = 'syntax = "proto3"; package app; import "event.proto"; message L { common.Event e = 1; }';
    expect(() => loadProto(text)).toThrow(
      'PROTOBUF schema imports a file that is not available: event.proto',
    );
    const schema = loadProto(
      text,
      new Map([['event.proto', 'syntax = "proto3"; package common; message Event { int64 at = 1; }']]),
    );
    // the imported file's messages are not the schema's own (message indexes count only those)
    expect(schema.messages.map((m) => m.name)).toEqual(['L']);
    expect(schema.messages[0].fields.e.resolvedType?.fullName).toBe('.common.Event');
  });
});
