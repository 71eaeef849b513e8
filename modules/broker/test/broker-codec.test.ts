import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../src/protocol/codec.js';
import type { FetchResponse, JoinGroupRequest, MetadataRequest } from '../src/protocol/messages.generated.js';
import { API_SCHEMAS } from '../src/protocol/messages.generated.js';
import { ProtocolError, Reader, Writer } from '../src/protocol/primitives.js';

function roundTrip<T extends object>(
  apiKey: number,
  kind: 'request' | 'response',
  version: number,
  value: T,
): T {
  const w = new Writer(16);
  encodeMessage(API_SCHEMAS[apiKey][kind], version, value, w);
  const r = new Reader(w.toBuffer());
  const out = decodeMessage<T>(API_SCHEMAS[apiKey][kind], version, r);
  expect(r.remaining).toBe(0);
  return out;
}

describe('schema-driven codec', () => {
  it('fills fields absent in a version with their defaults', () => {
    const v0 = roundTrip<JoinGroupRequest>(11, 'request', 0, {
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 99, // not in v0: dropped on the wire, default (-1) on decode
      memberId: '',
      groupInstanceId: 'x', // v5+
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from([1, 2]) }],
      reason: null,
    });
    expect(v0).toMatchObject({
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: -1,
      groupInstanceId: null,
    });
    expect(v0.protocols[0].metadata).toEqual(Buffer.from([1, 2]));
  });

  it('encodes compact strings, arrays and nullable arrays in flexible versions', () => {
    const all = roundTrip<MetadataRequest>(3, 'request', 12, {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: true,
    });
    expect(all.topics).toBeNull();
    const some = roundTrip<MetadataRequest>(3, 'request', 9, {
      topics: [{ topicId: Buffer.alloc(16), name: 'ü-topic' }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(some.topics?.[0].name).toBe('ü-topic');
  });

  it('writes tagged fields only when set, and reads them back', () => {
    const records = [Buffer.alloc(2000, 1), Buffer.from([2, 3])];
    const res = roundTrip<FetchResponse>(1, 'response', 12, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          partitions: [
            {
              partitionIndex: 3,
              errorCode: 0,
              highWatermark: 10n,
              lastStableOffset: 10n,
              logStartOffset: 0n,
              currentLeader: { leaderId: 0, leaderEpoch: 7 },
              abortedTransactions: null,
              preferredReadReplica: -1,
              records,
            },
          ],
        },
      ],
    });
    const p = res.responses[0].partitions[0];
    expect(p.currentLeader).toEqual({ leaderId: 0, leaderEpoch: 7 });
    expect(p.divergingEpoch).toBeNull();
    expect(p.records).toEqual(Buffer.concat(records));
  });

  it('rejects truncated input with a ProtocolError', () => {
    const w = new Writer();
    encodeMessage(API_SCHEMAS[3].request, 4, { topics: [{ name: 'abc' }], allowAutoTopicCreation: true }, w);
    const buf = w.toBuffer();
    expect(() =>
      decodeMessage(API_SCHEMAS[3].request, 4, new Reader(buf.subarray(0, buf.length - 3))),
    ).toThrow(ProtocolError);
  });
});
