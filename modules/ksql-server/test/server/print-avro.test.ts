import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealServer } from './real-server.js';

const server = new RealServer();
const BASE = Date.UTC(2024, 0, 1);

const SCHEMA = {
  type: 'record',
  name: 'Reading',
  fields: [
    { name: 'NAME', type: 'string' },
    { name: 'V', type: 'double' },
    { name: 'N', type: ['null', 'long'], default: null },
    { name: 'TAGS', type: { type: 'array', items: 'string' } },
  ],
};

/** Avro's binary encoding of one Reading (zig-zag varints, little-endian double). */
function avroReading(name: string, v: number, n: number | null, tags: string[]): Buffer {
  const varint = (x: number) => {
    const out: number[] = [];
    let z = x >= 0 ? x * 2 : -x * 2 - 1;
    while (z >= 0x80) {
      out.push((z & 0x7f) | 0x80);
      z = Math.floor(z / 128);
    }
    out.push(z);
    return Buffer.from(out);
  };
  const str = (s: string) => Buffer.concat([varint(Buffer.byteLength(s)), Buffer.from(s)]);
  const dbl = Buffer.alloc(8);
  dbl.writeDoubleLE(v);
  const parts = [str(name), dbl, n === null ? varint(0) : Buffer.concat([varint(1), varint(n)])];
  if (tags.length > 0) parts.push(varint(tags.length), ...tags.map(str));
  parts.push(varint(0));
  return Buffer.concat(parts);
}

function framed(schemaId: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeInt32BE(schemaId, 1);
  return Buffer.concat([head, payload]);
}

let schemaId = 0;

async function register(subject: string, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(new URL(`/subjects/${subject}/versions`, server.registry.url), {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`registering ${subject}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}

beforeAll(async () => {
  await server.start();
  await server.admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: 'avro_t', numPartitions: 1 }],
  });
  schemaId = await register('avro_t-value', { schema: JSON.stringify(SCHEMA) });
  await server.producer.send({
    topic: 'avro_t',
    messages: [
      { key: 'k0', value: framed(schemaId, avroReading('a', 1.5, 3, ['x', 'y'])), timestamp: String(BASE) },
      { key: 'k1', value: framed(schemaId, avroReading('b"q', 2, null, [])), timestamp: String(BASE + 1000) },
    ],
  });
});
afterAll(() => server.stop());

describe('PRINT of topics holding Schema Registry formats', () => {
  it('decodes them with their writer schema from the Schema Registry and says AVRO', async () => {
    expect(schemaId).toBeGreaterThan(0);
    const res = await server.post('/query', { ksql: "PRINT 'avro_t' FROM BEGINNING LIMIT 2;" });
    expect(res.status).toBe(200);
    expect(res.text.split('\n').filter((l) => l !== '')).toEqual([
      'Key format: KAFKA_STRING',
      'Value format: AVRO',
      'rowtime: 2024/01/01 00:00:00.000 Z, key: k0, value: {"NAME": "a", "V": 1.5, "N": 3, "TAGS": ["x", "y"]}, partition: 0',
      'rowtime: 2024/01/01 00:00:01.000 Z, key: k1, value: {"NAME": "b\\"q", "V": 2.0, "N": null, "TAGS": []}, partition: 0',
    ]);
  });
});
