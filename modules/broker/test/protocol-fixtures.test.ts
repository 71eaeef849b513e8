import { describe, expect, it } from 'vitest';
import { encodeMessage, isFlexible } from '../src/protocol/codec.js';
import { writeResponseHeader } from '../src/protocol/header.js';
import { API_SCHEMAS } from '../src/protocol/messages.generated.js';
import { Writer } from '../src/protocol/primitives.js';
import { decodeRequestFrame, decodeResponseFrame, loadFixtures } from './helpers/protocol-fixtures.js';

// Frames captured from kafkajs, librdkafka and kafka-python talking to this broker
// (test/protocol-capture/, fixtures in test/fixtures/protocol/). The request bytes were written
// by the clients' own encoders, so decoding them with our schema table and encoding the result
// again reproduces them exactly only if the table has every field of that version in the right
// place, with the right type, nullability, compactness and tags. The response bytes are the ones
// the client read and acted on (its session went on to succeed); they must round-trip as well.
// (broker-versions.test.ts, by contrast, checks our encoder against our own decoder.)
const fixtures = loadFixtures();

describe('captured client frames', () => {
  it('cover the three clients, and flexible versions', () => {
    expect(new Set(fixtures.map((f) => f.meta.client))).toEqual(
      new Set(['kafkajs', 'librdkafka', 'kafka-python']),
    );
    const flexible = fixtures.filter((f) => isFlexible(API_SCHEMAS[f.meta.apiKey].request, f.meta.version));
    expect(flexible.map((f) => f.name)).toContain('librdkafka/18-api-versions-v3.hex');
    expect(flexible.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    it('request: the header names the API and version of the file', () => {
      const req = decodeRequestFrame(f.request);
      expect([req.header.apiKey, req.header.apiVersion]).toEqual([f.meta.apiKey, f.meta.version]);
    });

    it('request: decodes completely and re-encodes byte for byte', () => {
      const req = decodeRequestFrame(f.request);
      expect(req.trailing).toBe(0);
      const schema = API_SCHEMAS[f.meta.apiKey].request;
      const w = new Writer(f.request.length);
      // header v1/v2 as the clients write it: clientId is a non-compact nullable string in both
      w.int16(req.header.apiKey);
      w.int16(req.header.apiVersion);
      w.int32(req.header.correlationId);
      if (req.header.clientId === null) w.int16(-1);
      else {
        const len = Buffer.byteLength(req.header.clientId);
        w.int16(len);
        w.utf8(req.header.clientId, len);
      }
      // no client sends header tags; if one did the comparison below would show it
      if (req.headerTags !== null) w.uvarint(0);
      expect(w.length).toBe(req.bodyStart);
      encodeMessage(schema, f.meta.version, req.body, w);
      expect(w.toBuffer().toString('hex')).toBe(f.request.toString('hex'));
    });

    it.runIf(f.response !== null)('response: decodes completely and re-encodes byte for byte', () => {
      const req = decodeRequestFrame(f.request);
      const res = decodeResponseFrame(f.meta.apiKey, f.meta.version, f.response!);
      expect(res.correlationId).toBe(req.header.correlationId);
      expect(res.trailing).toBe(0);
      const w = new Writer(f.response!.length);
      writeResponseHeader(w, res.correlationId, res.flexibleHeader);
      encodeMessage(API_SCHEMAS[f.meta.apiKey].response, f.meta.version, res.body, w);
      expect(w.toBuffer().toString('hex')).toBe(f.response!.toString('hex'));
    });
  });
});
