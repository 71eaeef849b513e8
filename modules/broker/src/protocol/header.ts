/**
 * Request and response headers, hand-coded because they are read before the API (and so the
 * body schema) is known. Request header v1: apiKey, apiVersion, correlationId, clientId (always a
 * non-compact nullable string); v2 adds a tagged-field section. Response header v0 is just the
 * correlation id; v1 adds an empty tagged-field section. ApiVersions responses always use v0 so
 * that clients of any age can read them.
 */
import { skipTaggedFields } from './codec.js';
import type { Reader, Writer } from './primitives.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export const API_VERSIONS_KEY = 18;

/** Reads the fixed part of the request header (through clientId). */
export function readRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const n = r.int16();
  const clientId = n < 0 ? null : r.string(n);
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Reads the rest of a v2 request header (its tagged fields). */
export function finishRequestHeader(r: Reader, flexible: boolean): void {
  if (flexible) skipTaggedFields(r);
}

export function writeResponseHeader(w: Writer, correlationId: number, flexible: boolean): void {
  w.int32(correlationId);
  if (flexible) w.uvarint(0);
}
