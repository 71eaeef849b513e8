import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { CqlError, ErrorCode } from '../protocol/errors.js';
import { Opcode, encodeFrame } from '../protocol/frame.js';
import { encodeError } from '../protocol/result-encoding.js';

export interface ConnectionLimits {
  /** Open connections in total; one more is refused. */
  maxConnections: number;
  /** Open connections from one client IP address; one more is refused. */
  maxConnectionsPerAddress: number;
}

export type Refusal = { reason: 'max_connections' | 'max_connections_per_address'; message: string };

/** Counts open connections in total and per client address, and says when one more is too many. */
export class ConnectionLimiter {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly limits: ConnectionLimits) {}

  /** Counts the connection in and returns undefined, or returns why it is refused (not counted). */
  admit(address: string): Refusal | undefined {
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.total >= this.limits.maxConnections) {
      return {
        reason: 'max_connections',
        message: `Too many connections: the server allows ${this.limits.maxConnections} (maxConnections); try again later`,
      };
    }
    if (fromAddress >= this.limits.maxConnectionsPerAddress) {
      return {
        reason: 'max_connections_per_address',
        message: `Too many connections from ${address}: the server allows ${this.limits.maxConnectionsPerAddress} per client address (maxConnectionsPerAddress)`,
      };
    }
    this.total++;
    this.perAddress.set(address, fromAddress + 1);
    return undefined;
  }

  release(address: string): void {
    this.total--;
    const n = (this.perAddress.get(address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(address, n);
    else this.perAddress.delete(address);
  }
}

/** The client's IP address, IPv4-mapped IPv6 written as plain IPv4 (one client, one key). */
export function clientAddress(socket: Socket): string {
  const a = socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** How long a refused connection may take to send its first request header before it is dropped. */
const REFUSAL_GRACE_MS = 2000;

/**
 * Refuses a connection over a limit. Cassandra just closes such a socket; answering the client's
 * first request (OPTIONS or STARTUP) with an Overloaded error first lets the driver report why.
 * Nothing of the request is parsed beyond its stream id, and the socket is closed after the answer
 * or after a short grace period, whichever comes first.
 */
export function refuseConnection(socket: Socket, message: string, log: Logger): void {
  const timer = setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS);
  timer.unref();
  socket.on('close', () => clearTimeout(timer));
  // A reset by a client we are turning away is expected; it must not become an uncaught error.
  socket.on('error', (err) =>
    log.debug({ peer: socket.remoteAddress, err: err.message }, 'refused socket error'),
  );
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    // Bytes 2-3 of a v3+ frame header are the stream id the answer must carry.
    if (head.length < 4) return;
    socket.off('data', onData);
    const error = encodeError(new CqlError(ErrorCode.overloaded, message));
    socket.end(encodeFrame(head.readInt16BE(2), Opcode.error, error));
  };
  socket.on('data', onData);
}
