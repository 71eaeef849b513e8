import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, isFlexible } from '../src/protocol/codec.js';
import { API_SCHEMAS } from '../src/protocol/messages.generated.js';
import { Reader } from '../src/protocol/primitives.js';
import { startTestBroker, type TestBroker } from './helpers/broker.js';
import { requestFrame, sendRaw } from './helpers/raw-client.js';

// Every advertised version of every API must decode a request and answer with a response that
// decodes completely under the same version's schema (header v0/v1 as the version demands).
// Encoder and decoder share the schema table here, so a mistake in the table passes: the
// protocol-fixtures*.test.ts files check the table against bytes real clients wrote and read.
describe('every advertised API version answers', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(async () => {
    await b.close();
  });

  it('with a well-formed response for a minimal request', async () => {
    const failures: string[] = [];
    for (const h of [...b.broker.handlers.values()].sort((x, y) => x.apiKey - y.apiKey)) {
      for (let v = h.minVersion; v <= h.maxVersion; v++) {
        // minimal request: every field at its default (no wait for Fetch, acks=-1 for Produce)
        const body = h.apiKey === 1 ? { maxWaitMs: 0, replicaId: -1 } : h.apiKey === 0 ? { acks: -1 } : {};
        const res = await sendRaw(b.port, requestFrame(h.apiKey, v, 42, body), 5000);
        if (!Buffer.isBuffer(res)) {
          failures.push(`${h.name} v${v}: ${res}`);
          continue;
        }
        const schema = API_SCHEMAS[h.apiKey].response;
        const r = new Reader(res);
        if (r.int32() !== 42) failures.push(`${h.name} v${v}: wrong correlation id`);
        if (h.apiKey !== 18 && isFlexible(schema, v)) r.uvarint();
        try {
          decodeMessage(schema, v, r);
          if (r.remaining !== 0) failures.push(`${h.name} v${v}: ${r.remaining} trailing bytes`);
        } catch (err) {
          failures.push(`${h.name} v${v}: ${String(err)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
