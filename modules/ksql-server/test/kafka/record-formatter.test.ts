import { InMemorySchemaRegistry, type RegistryPrinter, registryPrinter } from '@meterstream/ksql';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { RecordFormatter, schemaIdOf } from '../../src/kafka/record-formatter.js';

const PROTO = `syntax = "proto3";
message Reading { string NAME = 1; double V = 2; int64 N = 3; repeated string TAGS = 4; Point AT = 5; map<string, int32> M = 6; }
message Point { int32 X = 1; }
`;

function frame(id: number, indexes: Buffer, message: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeInt32BE(id, 1);
  return Buffer.concat([head, indexes, Buffer.from(message)]);
}

/** A formatter whose cache holds the printer of PROTO registered in a registry. */
async function protobufFormatter() {
  const registry = new InMemorySchemaRegistry();
  const id = await registry.register('t-value', { schemaType: 'PROTOBUF', schema: PROTO });
  const printers = new Map<number, RegistryPrinter>();
  const printer = await registryPrinter(registry, await registry.byId(id));
  if (!printer) throw new Error('no printer for a PROTOBUF schema');
  printers.set(id, printer);
  const root = protobuf.parse(PROTO).root;
  const encode = (name: string, message: Record<string, unknown>, indexes = Buffer.from([0])) => {
    const type = root.lookupType(name);
    return frame(id, indexes, type.encode(type.fromObject(message)).finish());
  };
  return { id, formatter: new RecordFormatter(printers), encode };
}

const line = (formatter: RecordFormatter, value: Buffer | null) =>
  formatter.format({ timestamp: Date.UTC(2024, 0, 1), key: null, value, partition: 0 });

describe('RecordFormatter with Schema Registry formats', () => {
  it('reads the schema id of a framed payload, none of an unframed one', () => {
    expect(schemaIdOf(Buffer.from([0, 0, 0, 1, 2, 9]))).toBe(258);
    expect(schemaIdOf(Buffer.from('{"a":1}'))).toBeUndefined();
    expect(schemaIdOf(null)).toBeUndefined();
  });

  it('prints PROTOBUF values as protobuf text: fields by number, set fields only, nested and repeated', async () => {
    const { formatter, encode } = await protobufFormatter();
    expect(
      line(
        formatter,
        encode('Reading', { NAME: 'a', V: 1.5, N: 3, TAGS: ['x', 'y'], AT: { X: 1 }, M: { k: 2 } }),
      ),
    ).toBe(
      'rowtime: 2024/01/01 00:00:00.000 Z, key: <null>, value: NAME: "a" V: 1.5 N: 3 TAGS: "x" TAGS: "y" AT { X: 1 } M { key: "k" value: 2 }, partition: 0',
    );
    expect(line(formatter, encode('Reading', { NAME: 'b' }))).toContain('value: NAME: "b", partition: 0');
    expect(formatter.formatLines()).toEqual([
      'Key format: ¯\\_(ツ)_/¯ - no data processed',
      'Value format: PROTOBUF',
    ]);
  });

  it('reads the message the indexes name (the second top-level message: [1])', async () => {
    const { formatter, encode } = await protobufFormatter();
    // count 1 then index 1, zigzag: 0x02 0x02
    expect(line(formatter, encode('Point', { X: 7 }, Buffer.from([2, 2])))).toContain(
      'value: X: 7, partition: 0',
    );
  });

  it('a framed payload of an unknown schema id is not PROTOBUF', async () => {
    const { formatter, encode } = await protobufFormatter();
    const unknown = encode('Reading', { V: 2.5 });
    unknown.writeInt32BE(999, 1);
    line(formatter, unknown);
    expect(formatter.formatLines()[1]).not.toContain('PROTOBUF');
  });
});
