import { describe, expect, it } from 'vitest';
import { createFormats } from '../../src/format/formats.js';
import { InMemorySchemaRegistry } from '../../src/format/schema-registry.js';
import { windowedKeySerde } from '../../src/format/windowed.js';
import { SqlTypes as T } from '../../src/types/sql-type.js';
import { hex, keyColumns } from './helpers.js';

const formats = createFormats(new InMemorySchemaRegistry());

describe('windowed keys', () => {
  it('time windows: inner key bytes then the start as 8 bytes big-endian; the end from the size', async () => {
    const inner = await formats.keySerde({ name: 'KAFKA', properties: {} }, keyColumns(['K', T.INTEGER]), {
      topic: 't',
    });
    const serde = windowedKeySerde(inner, 'TIME', 60_000);
    const bytes = serde.serialize({ key: [5], window: { start: 1_000, end: 61_000 } });
    expect(hex(bytes)).toBe('00000005' + '00000000000003e8');
    expect(serde.deserialize(bytes)).toEqual({ key: [5], window: { start: 1_000, end: 61_000 } });
  });

  it('session windows: inner key bytes, then the end, then the start', async () => {
    const inner = await formats.keySerde({ name: 'KAFKA', properties: {} }, keyColumns(['K', T.STRING]), {
      topic: 't',
    });
    const serde = windowedKeySerde(inner, 'SESSION');
    const bytes = serde.serialize({ key: ['a'], window: { start: 10, end: 20 } });
    expect(hex(bytes)).toBe('61' + '0000000000000014' + '000000000000000a');
    expect(serde.deserialize(bytes)).toEqual({ key: ['a'], window: { start: 10, end: 20 } });
  });

  it("passes the inner payloads to a registry serde's prefetch", async () => {
    const registry = new InMemorySchemaRegistry();
    const avroFormats = createFormats(registry);
    const inner = await avroFormats.keySerde({ name: 'AVRO', properties: {} }, keyColumns(['K', T.STRING]), {
      topic: 'w',
      registerSchema: true,
    });
    const serde = windowedKeySerde(inner, 'TIME', 1000);
    const bytes = serde.serialize({ key: ['k'], window: { start: 0, end: 1000 } });
    await serde.prefetch?.([bytes]);
    expect(serde.deserialize(bytes)).toEqual({ key: ['k'], window: { start: 0, end: 1000 } });
  });

  it('needs a size for time windows', async () => {
    const inner = await formats.keySerde({ name: 'KAFKA', properties: {} }, keyColumns(['K', T.STRING]), {
      topic: 't',
    });
    expect(() => windowedKeySerde(inner, 'TIME')).toThrow(/window size/);
  });
});
