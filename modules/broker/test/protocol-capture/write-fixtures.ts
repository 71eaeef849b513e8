/**
 * Turns the recorded exchanges into fixture files: one per client, API and version — among the
 * answered exchanges the one with the largest request, then the largest response (a Metadata
 * naming its topics rather than asking for all of them, whose answer depends on every topic of
 * the moment; a Fetch that returned records rather than an empty long-poll); an unanswered one
 * only when none was answered.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMessage, isFlexible } from '../../src/protocol/codec.js';
import { readRequestHeader, finishRequestHeader } from '../../src/protocol/header.js';
import { API_SCHEMAS } from '../../src/protocol/messages.generated.js';
import { Reader } from '../../src/protocol/primitives.js';
import type { FieldSpec } from '../../src/protocol/schema-types.js';
import { type FixtureFile, formatFixture } from '../helpers/protocol-fixture-file.js';
import type { Exchange } from './frame-proxy.js';

export function apiName(apiKey: number): string {
  const schemas = API_SCHEMAS[apiKey];
  return schemas ? schemas.request.name.replace(/Request$/, '') : `api${apiKey}`;
}

const kebab = (s: string) => s.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

export function fixtureFileName(apiKey: number, version: number): string {
  return `${String(apiKey).padStart(2, '0')}-${kebab(apiName(apiKey))}-v${version}.hex`;
}

/** JSON of a decoded request for the comment line: buffers by their size, bigints as numbers. */
function describe(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return Number(v);
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer')
      return `<${(v as { data: number[] }).data.length} bytes>`;
    return v;
  });
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** The decoded value without the fields its version does not have (the decoder fills those in). */
function inVersion(fields: readonly FieldSpec[], version: number, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((e) => inVersion(fields, version, e));
  if (!value || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (version < f.v[0] || version > f.v[1]) continue;
    const v = (value as Record<string, unknown>)[f.n];
    out[f.n] = f.f ? inVersion(f.f, version, v) : v;
  }
  return out;
}

/**
 * What the request asks, decoded by our own schema (for people reading the file; the test does
 * not trust it). A request that does not decode is still written — the test then fails on it.
 */
function asks(ex: Exchange): string {
  const schemas = API_SCHEMAS[ex.apiKey];
  if (!schemas) return `(no schema for API key ${ex.apiKey})`;
  try {
    const r = new Reader(ex.request);
    readRequestHeader(r);
    finishRequestHeader(r, isFlexible(schemas.request, ex.apiVersion));
    return describe(
      inVersion(schemas.request.fields, ex.apiVersion, decodeMessage(schemas.request, ex.apiVersion, r)),
    );
  } catch (err) {
    return `(does not decode with our schema: ${String(err)})`;
  }
}

function headerVersions(ex: Exchange): string {
  const schemas = API_SCHEMAS[ex.apiKey];
  if (!schemas) return '';
  const flexible = isFlexible(schemas.request, ex.apiVersion);
  const resFlexible = ex.apiKey !== 18 && isFlexible(schemas.response, ex.apiVersion);
  return `request header v${flexible ? 2 : 1}, response header v${resFlexible ? 1 : 0}${flexible ? ' (flexible version: compact strings and arrays, tagged fields)' : ''}`;
}

/** Orders exchanges by preference: answered first, then by request size, then response size. */
const better = (a: Exchange, b: Exchange) =>
  (a.response !== null ? 1 : 0) - (b.response !== null ? 1 : 0) ||
  a.request.length - b.request.length ||
  (a.response?.length ?? 0) - (b.response?.length ?? 0);

export function chooseExchanges(exchanges: readonly Exchange[]): Exchange[] {
  const best = new Map<string, Exchange>();
  for (const ex of exchanges) {
    const key = `${ex.client}/${ex.apiKey}/${ex.apiVersion}`;
    const held = best.get(key);
    if (!held || better(ex, held) > 0) best.set(key, ex);
  }
  return [...best.values()];
}

export function writeFixtures(
  dir: string,
  exchanges: readonly Exchange[],
  clientVersions: Record<string, string>,
  advertisedPort: number,
): string[] {
  const written: string[] = [];
  for (const client of new Set(exchanges.map((e) => e.client)))
    rmSync(join(dir, client), { recursive: true, force: true });
  for (const ex of chooseExchanges(exchanges)) {
    const fixture: FixtureFile = {
      meta: {
        client: ex.client,
        clientVersion: clientVersions[ex.client] ?? 'unknown',
        apiKey: ex.apiKey,
        api: apiName(ex.apiKey),
        version: ex.apiVersion,
        advertisedPort,
      },
      comments: [
        'Captured by modules/broker/test/protocol-capture/capture-kafka-frames.ts; re-run it, do not edit.',
        `client: ${ex.client} ${clientVersions[ex.client] ?? ''}`.trimEnd(),
        `api: ${apiName(ex.apiKey)} (key ${ex.apiKey}) version ${ex.apiVersion}; ${headerVersions(ex)}`,
        `correlation id ${ex.correlationId}; request ${ex.request.length} bytes, response ${ex.response ? `${ex.response.length} bytes` : 'none'} (frames without their size prefix)`,
        `asks: ${asks(ex)}`,
      ],
      request: ex.request,
      response: ex.response,
    };
    mkdirSync(join(dir, ex.client), { recursive: true });
    const file = join(dir, ex.client, fixtureFileName(ex.apiKey, ex.apiVersion));
    writeFileSync(file, formatFixture(fixture));
    written.push(file);
  }
  return written.sort();
}
