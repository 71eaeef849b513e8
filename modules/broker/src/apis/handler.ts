/**
 * The handler contract: one file per API key under src/apis/ exports one ApiHandler, and
 * src/apis/index.ts lists them. The connection layer decodes the request body with the generated
 * schema for the request's version, calls handle(), and encodes whatever it returns with the
 * response schema of the same version (omitted fields are written as their defaults).
 */
import type { Session } from '../security/session.js';
import type { BrokerContext } from './broker-context.js';

export interface RequestContext {
  /** The broker as handlers see it (not the Broker class: see broker-context.ts). */
  readonly broker: BrokerContext;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** "host:port" of the client, for logs. */
  readonly peer: string;
  /** Unique per TCP connection (lets handlers keep per-connection state such as SASL). */
  readonly connectionId: number;
  /** Who the client is (principal, host) and its SASL state; shared by the connection's requests. */
  readonly session: Session;
}

/** What a handler returns; `null` means "send no response" (Produce with acks=0). */
export type HandlerResult<Res> = Res | null | Promise<Res | null>;

export interface ApiHandler<Req extends object = object, Res extends object = object> {
  readonly apiKey: number;
  /** Used in logs and metrics labels, e.g. "Produce". */
  readonly name: string;
  /** The version range advertised in ApiVersions; every version inside must be implemented. */
  readonly minVersion: number;
  readonly maxVersion: number;
  // Method syntax on purpose: it keeps handlers of different message types assignable to the
  // registry's ApiHandler<object, object>.
  handle(request: Req, ctx: RequestContext): HandlerResult<Res>;
}
