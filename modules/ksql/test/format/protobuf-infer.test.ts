import { describe, expect, it } from 'vitest';
import { createFormats } from '../../src/format/formats.js';
import { inferProtobufColumns } from '../../src/format/protobuf-infer.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';

const REGISTERED = `syntax = "proto3";
package shop;
import "google/protobuf/wrappers.proto";
import "google/protobuf/timestamp.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";
import "confluent/type/decimal.proto";

message Header { string note = 1; }
message Order {
  enum Status { NEW = 0; PAID = 1; }
  int32 qty = 1;
  sint32 delta = 2;
  uint32 big_unsigned = 3;
  int64 id = 4;
  fixed64 f64 = 5;
  float ratio = 6;
  double price = 7;
  bool paid = 8;
  string customer = 9;
  bytes blob = 10;
  Status status = 11;
  google.protobuf.Int64Value maybe = 12;
  google.protobuf.Timestamp at = 13;
  google.type.Date day = 14;
  google.type.TimeOfDay clock = 15;
  confluent.type.Decimal amount = 16 [(confluent.field_meta) = { params: [{ value: "9", key: "precision" }, { value: "3", key: "scale" }]}];
  repeated string tags = 17;
  map<string, double> weights = 18;
  repeated LinesEntry lines = 19;
  Address ship_to = 20;
  message LinesEntry { string key = 1; int32 value = 2; }
  message Address { string city = 1; repeated Address previous = 2; }
}`;

describe('PROTOBUF columns inferred from a registered schema', () => {
  it('maps proto types to SQL types, upper-casing names, leaving out what ksqlDB cannot represent', () => {
    expect(inferProtobufColumns(REGISTERED, 'shop.Order', true)).toEqual([
      { name: 'QTY', type: T.INTEGER },
      { name: 'DELTA', type: T.INTEGER },
      { name: 'BIG_UNSIGNED', type: T.BIGINT },
      { name: 'ID', type: T.BIGINT },
      { name: 'F64', type: T.BIGINT },
      { name: 'RATIO', type: T.DOUBLE },
      { name: 'PRICE', type: T.DOUBLE },
      { name: 'PAID', type: T.BOOLEAN },
      { name: 'CUSTOMER', type: T.STRING },
      { name: 'BLOB', type: T.BYTES },
      { name: 'STATUS', type: T.STRING },
      { name: 'MAYBE', type: T.BIGINT },
      { name: 'AT', type: T.TIMESTAMP },
      { name: 'DAY', type: T.DATE },
      { name: 'CLOCK', type: T.TIME },
      { name: 'AMOUNT', type: T.decimal(9, 3) },
      { name: 'TAGS', type: T.array(T.STRING) },
      { name: 'WEIGHTS', type: T.map(T.STRING, T.DOUBLE) },
      { name: 'LINES', type: T.map(T.STRING, T.INTEGER) },
      // the recursive `previous` field cannot be represented and is left out
      { name: 'SHIP_TO', type: T.struct([{ name: 'CITY', type: T.STRING }]) },
    ]);
  });

  it('infers a oneof as a STRUCT named after it and its index, listed first; `optional` fields stay plain', () => {
    const text =
      'syntax = "proto3"; message Pay { string id = 1; optional int32 tries = 2; oneof method { string card = 3; int64 account = 4; } }';
    expect(inferProtobufColumns(text, undefined, true)).toEqual([
      {
        name: 'METHOD_1',
        type: T.struct([
          { name: 'CARD', type: T.STRING },
          { name: 'ACCOUNT', type: T.BIGINT },
        ]),
      },
      { name: 'ID', type: T.STRING },
      { name: 'TRIES', type: T.INTEGER },
    ]);
  });

  it('takes the first message by default, keeps names as written when asked', () => {
    expect(inferProtobufColumns(REGISTERED, undefined, false)).toEqual([{ name: 'note', type: T.STRING }]);
  });

  it('returns undefined when the full name matches no message', () => {
    expect(inferProtobufColumns(REGISTERED, 'shop.Missing', true)).toBeUndefined();
  });

  it('is what the formats infer for CREATE without columns: by subject upper-cased, by id as written', async () => {
    const registry = new InMemorySchemaRegistry();
    const formats = createFormats(registry);
    const text =
      'syntax = "proto3"; message K { int32 id = 1; string region = 2; } message V { double v = 1; }';
    const id = registry.registerSync('t-key', { schemaType: 'PROTOBUF', schema: text });
    expect(await formats.inferColumns({ name: 'PROTOBUF', properties: {} }, 't', 'key')).toEqual([
      { name: 'ID', type: T.INTEGER },
      { name: 'REGION', type: T.STRING },
    ]);
    expect(
      await formats.inferColumns(
        { name: 'PROTOBUF', properties: { schemaId: String(id), fullSchemaName: 'V' } },
        't',
        'value',
      ),
    ).toEqual([{ name: 'v', type: T.DOUBLE }]);
    expect(await formats.inferColumns({ name: 'PROTOBUF', properties: {} }, 't', 'value')).toBeUndefined();
  });

  it('infers through schema references', async () => {
    const registry = new InMemorySchemaRegistry();
    registry.registerSync('event.proto', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; message Event { int64 timestamp = 1; }',
    });
    registry.registerSync('t-value', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; import "event.proto"; message Logistics { Event event = 1; }',
      references: [{ name: 'event.proto', subject: 'event.proto', version: 1 }],
    });
    expect(
      await createFormats(registry).inferColumns({ name: 'PROTOBUF', properties: {} }, 't', 'value'),
    ).toEqual([{ name: 'EVENT', type: T.struct([{ name: 'TIMESTAMP', type: T.BIGINT }]) }]);
  });

  it('names the format to use when the subject holds another kind of schema', async () => {
    const registry = new InMemorySchemaRegistry();
    registry.registerSync('t-value', {
      schemaType: 'AVRO',
      schema: '{"type":"record","name":"R","fields":[]}',
    });
    await expect(
      createFormats(registry).inferColumns({ name: 'PROTOBUF', properties: {} }, 't', 'value'),
    ).rejects.toThrow("You may want to set VALUE_FORMAT to 'AVRO'");
  });
});
