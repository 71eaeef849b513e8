import type { Logger } from 'pino';
import type { Database } from '../engine/database.js';
import type { Session } from '../engine/result.js';
import type { StatementCache } from '../engine/statement-cache.js';
import type { BodyReader } from '../protocol/reader.js';
import type { CqlServerMetrics } from './metrics.js';

/** State shared by all connections: the single database and its statement cache. */
export interface ServerCore {
  db: Database;
  statements: StatementCache;
  log: Logger;
  metrics: CqlServerMetrics;
}

/** Per-connection protocol state. */
export interface ConnectionState {
  session: Session;
  started: boolean;
  /** After STARTUP with PasswordAuthenticator, until AUTH_SUCCESS: only AUTH_RESPONSE is accepted. */
  authenticating: boolean;
  /** Event types registered with REGISTER. */
  events: Set<string>;
  peer: string;
  /** Client IP address (IPv4-mapped IPv6 as IPv4), the failed-login throttle's key. */
  address: string;
}

export interface Response {
  opcode: number;
  body: Buffer;
}

export type Handler = (
  core: ServerCore,
  conn: ConnectionState,
  body: BodyReader,
) => Response | Promise<Response>;
