import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/qtt/json-text.js';
import { ProtobufSpecCodec } from '../../src/qtt/protobuf-spec.js';
import { ExactDecimal } from '../../src/qtt/spec-values.js';

const SCHEMA = `syntax = "proto3";
import "confluent/type/decimal.proto";
message Reading {
  string gateway = 1;
  int64 watts = 2;
  double ratio = 3;
  confluent.type.Decimal price = 4 [(confluent.field_meta) = { params: [{ value: "5", key: "precision" }, { value: "2", key: "scale" }]}];
  repeated ReadingEntry tags = 5;
  oneof source { string meter = 6; int32 probe = 7; }
  Inner inner = 8;
  message ReadingEntry { string key = 1; int32 value = 2; }
  message Inner { bool ok = 1; }
}`;

describe('PROTOBUF test data codec (the QTT side)', () => {
  it('encodes test JSON matching fields case-insensitively, leaving nulls and defaults out', () => {
    const codec = new ProtobufSpecCodec(SCHEMA);
    const bytes = codec.encode(parseJson('{"GATEWAY": "g", "watts": 0, "price": 1.5, "ratio": null}'));
    // gateway "g"; price { value: 0x96 (150 as two's complement 0x0096), precision 3, scale 2 }
    expect(bytes.toString('hex')).toBe('0a0167' + '2208' + '0a020096' + '1003' + '1802');
  });

  it("decodes with Connect's kinds: longs as bigint, decimals exact, defaults for absent scalars", () => {
    const codec = new ProtobufSpecCodec(SCHEMA);
    const spec = parseJson(
      '{"gateway": "g", "watts": 9007199254740993, "ratio": 0.5, "price": 12.30, "tags": {"a": 1}, "source_0": {"meter": null, "probe": 0}, "inner": {"ok": false}}',
    );
    expect(codec.decode(codec.encode(spec))).toEqual({
      source_0: { meter: null, probe: 0n },
      gateway: 'g',
      watts: 9007199254740993n,
      ratio: 0.5,
      price: new ExactDecimal(1230n, 2),
      tags: { a: 1n },
      inner: { ok: false },
    });
    expect(codec.decode(Buffer.alloc(0))).toEqual({
      source_0: null,
      gateway: '',
      watts: 0n,
      ratio: 0,
      price: null,
      tags: {},
      inner: null,
    });
  });

  it('picks the message by full name and frames its message indexes', () => {
    const codec = new ProtobufSpecCodec(
      'syntax = "proto3"; message A { int32 x = 1; } message B { string y = 1; }',
      'B',
    );
    expect(codec.indexBytes().toString('hex')).toBe('0202');
    const payload = Buffer.concat([Buffer.from('0202', 'hex'), codec.encode(parseJson('{"y": "z"}'))]);
    expect(codec.decodeFramed(payload, 0)).toEqual({ y: 'z' });
  });
});
