/**
 * Loads the captured-frame fixtures and decodes them with the broker's protocol code, keeping the
 * byte offsets where header and body start so a test can re-encode each part and compare bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeMessage, isFlexible } from '../../src/protocol/codec.js';
import {
  API_VERSIONS_KEY,
  finishRequestHeader,
  readRequestHeader,
  type RequestHeader,
} from '../../src/protocol/header.js';
import { API_SCHEMAS } from '../../src/protocol/messages.generated.js';
import { Reader } from '../../src/protocol/primitives.js';
import { type FixtureFile, parseFixture } from './protocol-fixture-file.js';

export const FIXTURES_DIR = resolve(import.meta.dirname, '../fixtures/protocol');

export interface LoadedFixture extends FixtureFile {
  /** "<client>/<file>", for test names. */
  name: string;
}

export function loadFixtures(): LoadedFixture[] {
  const out: LoadedFixture[] = [];
  for (const client of readdirSync(FIXTURES_DIR).sort()) {
    for (const file of readdirSync(join(FIXTURES_DIR, client)).sort()) {
      if (!file.endsWith('.hex')) continue;
      const name = `${client}/${file}`;
      out.push({ name, ...parseFixture(name, readFileSync(join(FIXTURES_DIR, client, file), 'utf8')) });
    }
  }
  return out;
}

export type Decoded = Record<string, unknown>;

export interface DecodedRequest {
  header: RequestHeader;
  /** Offset of the body (after the header and, in flexible versions, its tagged fields). */
  bodyStart: number;
  /** Tagged-field count of a flexible header (null for header v1). */
  headerTags: number | null;
  body: Decoded;
  /** Bytes left after the body: a complete decode leaves none. */
  trailing: number;
}

export function decodeRequestFrame(frame: Buffer): DecodedRequest {
  const r = new Reader(frame);
  const header = readRequestHeader(r);
  const schema = API_SCHEMAS[header.apiKey].request;
  const flexible = isFlexible(schema, header.apiVersion);
  const headerTags = flexible ? frame[r.pos] : null;
  finishRequestHeader(r, flexible);
  const bodyStart = r.pos;
  const body = decodeMessage<Decoded>(schema, header.apiVersion, r);
  return { header, bodyStart, headerTags, body, trailing: r.remaining };
}

export interface DecodedResponse {
  correlationId: number;
  flexibleHeader: boolean;
  bodyStart: number;
  body: Decoded;
  trailing: number;
}

export function decodeResponseFrame(apiKey: number, version: number, frame: Buffer): DecodedResponse {
  const schema = API_SCHEMAS[apiKey].response;
  const r = new Reader(frame);
  const correlationId = r.int32();
  // ApiVersions answers always carry header v0, so that clients of any age can read them
  const flexibleHeader = apiKey !== API_VERSIONS_KEY && isFlexible(schema, version);
  if (flexibleHeader) r.uvarint();
  const bodyStart = r.pos;
  const body = decodeMessage<Decoded>(schema, version, r);
  return { correlationId, flexibleHeader, bodyStart, body, trailing: r.remaining };
}

/** Every value held under `key` anywhere in a decoded message (arrays and structs walked). */
export function valuesOf(value: unknown, key: string): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      for (const e of v) walk(e);
    } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, e] of Object.entries(v)) {
        if (k === key) out.push(e);
        walk(e);
      }
    }
  };
  walk(value);
  return out;
}
