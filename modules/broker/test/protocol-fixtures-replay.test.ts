import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage } from '../src/protocol/codec.js';
import { writeResponseHeader } from '../src/protocol/header.js';
import { API_SCHEMAS } from '../src/protocol/messages.generated.js';
import { Writer } from '../src/protocol/primitives.js';
import { startTestBroker, type TestBroker } from './helpers/broker.js';
import {
  type Decoded,
  decodeRequestFrame,
  decodeResponseFrame,
  type LoadedFixture,
  loadFixtures,
} from './helpers/protocol-fixtures.js';
import { sendRaw } from './helpers/raw-client.js';
import { CLIENTS } from './protocol-capture/session-names.js';

// The captured requests that do not depend on a consumer group, a producer id or records already
// written, replayed to a fresh broker: today's broker must answer each one exactly as the broker
// the client accepted did — the same bytes, except topic ids, which are random per topic (set to
// zero on both sides before comparing). The broker advertises the capture proxy's port, as during
// each fixture's capture, so Metadata answers match without rewriting. Replayed in the order of the capture
// sessions: every client's topics are created, then Metadata and DescribeConfigs asked, then the
// txn topics grown (CreatePartitions) and reconfigured (AlterConfigs) — the state each captured
// request met. A change to what
// the broker answers (ApiVersions ranges, a config's default) shows up here: re-run the capture
// (see the broker README) and look at the fixture diff.
// Metadata requests for all topics (topics null, or an empty list before v1) are left out: their
// answer lists every topic of that moment of the capture, including ones a later step deleted.
const REPLAY_ORDER = [18, 19, 3, 32, 37, 33];
const METADATA_KEY = 3;
const asksForAllTopics = (f: LoadedFixture) => {
  const topics = decodeRequestFrame(f.request).body.topics as unknown[] | null;
  return f.meta.apiKey === METADATA_KEY && (topics === null || topics.length === 0);
};
const fixtures = loadFixtures()
  .filter((f) => REPLAY_ORDER.includes(f.meta.apiKey) && f.response && !asksForAllTopics(f))
  .sort(
    (a, b) =>
      REPLAY_ORDER.indexOf(a.meta.apiKey) - REPLAY_ORDER.indexOf(b.meta.apiKey) ||
      CLIENTS.indexOf(a.meta.client as (typeof CLIENTS)[number]) -
        CLIENTS.indexOf(b.meta.client as (typeof CLIENTS)[number]),
  );

const ZERO_UUID = Buffer.alloc(16);

/** The response re-encoded with every topicId zeroed (random per topic, so never comparable). */
function normalized(f: LoadedFixture, response: Buffer): string {
  const res = decodeResponseFrame(f.meta.apiKey, f.meta.version, response);
  const zero = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(zero);
    if (v && typeof v === 'object' && !Buffer.isBuffer(v))
      return Object.fromEntries(
        Object.entries(v).map(([k, e]) => [k, k === 'topicId' ? ZERO_UUID : zero(e)]),
      );
    return v;
  };
  const w = new Writer(response.length);
  writeResponseHeader(w, res.correlationId, res.flexibleHeader);
  encodeMessage(API_SCHEMAS[f.meta.apiKey].response, f.meta.version, zero(res.body) as Decoded, w);
  return w.toBuffer().toString('hex');
}

describe('captured requests replayed to a fresh broker', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker();
  });
  afterAll(async () => {
    await b.close();
  });

  it('include ApiVersions, CreateTopics, Metadata and DescribeConfigs of every client', () => {
    for (const api of [18, 19, 3, 32])
      expect(new Set(fixtures.filter((f) => f.meta.apiKey === api).map((f) => f.meta.client))).toEqual(
        new Set(CLIENTS),
      );
  });

  // sequential: each request relies on the state the ones before it made
  it.each(fixtures.map((f) => [f.name, f] as const))('%s is answered as captured', async (_name, f) => {
    const frame = Buffer.alloc(4 + f.request.length);
    frame.writeInt32BE(f.request.length, 0);
    f.request.copy(frame, 4);
    // the port this fixture's capture advertised (clients may have been captured in different runs)
    b.broker.advertisedPort = f.meta.advertisedPort;
    const live = await sendRaw(b.port, frame, 10_000);
    if (!Buffer.isBuffer(live)) throw new Error(`${f.name}: the broker's connection was ${live}`);
    expect(normalized(f, live)).toBe(normalized(f, f.response!));
  });
});
