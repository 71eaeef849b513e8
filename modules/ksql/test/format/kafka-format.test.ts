import { describe, expect, it } from 'vitest';
import { KsqlError } from '../../src/errors.js';
import { createFormats } from '../../src/format/formats.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { hex, keyColumns, valueColumns } from './helpers.js';

const formats = createFormats(new InMemorySchemaRegistry());
const KAFKA = { name: 'KAFKA' as const, properties: {} };
const ctx = { topic: 't' };

describe('KAFKA format', () => {
  it('writes INT as 4 bytes big-endian, as IntegerSerializer', async () => {
    const serde = await formats.keySerde(KAFKA, keyColumns(['K', T.INTEGER]), ctx);
    expect(hex(serde.serialize([1]))).toBe('00000001');
    expect(hex(serde.serialize([-2]))).toBe('fffffffe');
    expect(serde.deserialize(Buffer.from('80000000', 'hex'))).toEqual([-2147483648]);
  });

  it('writes BIGINT as 8 bytes and DOUBLE as IEEE-754 big-endian', async () => {
    const big = await formats.valueSerde(KAFKA, valueColumns(['V', T.BIGINT]), ctx);
    expect(hex(big.serialize([258]))).toBe('0000000000000102');
    expect(big.deserialize(Buffer.from('ffffffffffffffff', 'hex'))).toEqual([-1]);
    const dbl = await formats.valueSerde(KAFKA, valueColumns(['V', T.DOUBLE]), ctx);
    expect(hex(dbl.serialize([1.5]))).toBe('3ff8000000000000');
    expect(dbl.deserialize(Buffer.from('3ff8000000000000', 'hex'))).toEqual([1.5]);
  });

  it('writes STRING as UTF-8 and BYTES as they are', async () => {
    const str = await formats.keySerde(KAFKA, keyColumns(['K', T.STRING]), ctx);
    expect(str.serialize(['é'])).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(str.deserialize(Buffer.from('héllo'))).toEqual(['héllo']);
    expect(str.serializedSize?.(['é'])).toBe(2);
    const bytes = await formats.valueSerde(KAFKA, valueColumns(['V', T.BYTES]), ctx);
    expect(bytes.deserialize(Buffer.from([1, 2, 3]))).toEqual([Buffer.from([1, 2, 3])]);
  });

  it('serializes a null single column as a null payload', async () => {
    const serde = await formats.valueSerde(KAFKA, valueColumns(['V', T.INTEGER]), ctx);
    expect(serde.serialize([null])).toBeNull();
  });

  it('refuses payloads of the wrong size', async () => {
    const serde = await formats.keySerde(KAFKA, keyColumns(['K', T.INTEGER]), ctx);
    expect(() => serde.deserialize(Buffer.from([1, 2]))).toThrow(
      /Error deserializing KAFKA message from topic: t/,
    );
  });

  it("rejects more than one column with ksqlDB's message", () => {
    expect(() => formats.validate(KAFKA, valueColumns(['V0', T.INTEGER], ['V1', T.STRING]), 'value')).toThrow(
      "reason: The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]",
    );
  });

  it('rejects unsupported key types, wrapped as ksqlDB reports a key format', () => {
    const attempt = () => formats.validate(KAFKA, keyColumns(['K', T.BOOLEAN]), 'key');
    expect(attempt).toThrow(KsqlError);
    expect(attempt).toThrow(
      "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K` BOOLEAN KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'BOOLEAN'",
    );
    expect(() => formats.validate(KAFKA, keyColumns(['K', T.decimal(4, 2)]), 'key')).toThrow(
      "The 'KAFKA' format does not support type 'DECIMAL'",
    );
  });

  it('accepts no key columns (key-less): the payload is ignored', async () => {
    const serde = await formats.keySerde(KAFKA, [], ctx);
    expect(serde.deserialize(Buffer.from('whatever'))).toEqual([]);
  });

  it('refuses WRAP_SINGLE_VALUE=true', async () => {
    await expect(
      formats.valueSerde(KAFKA, valueColumns(['V', T.INTEGER]), { topic: 't', wrapSingleValue: true }),
    ).rejects.toThrow("Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.");
  });
});

describe('NONE format', () => {
  const NONE = { name: 'NONE' as const, properties: {} };
  it('allows no columns and ignores the key', async () => {
    const serde = await formats.keySerde(NONE, [], ctx);
    expect(serde.deserialize(Buffer.from([1, 2]))).toEqual([]);
  });
  it("rejects key columns with ksqlDB's message", async () => {
    await expect(formats.keySerde(NONE, keyColumns(['K', T.STRING]), ctx)).rejects.toThrow(
      "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]",
    );
  });
});
