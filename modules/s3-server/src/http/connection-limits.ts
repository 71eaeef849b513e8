import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { escapeXml } from '../xml.js';

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

const refused = new WeakSet<Socket>();

/** Whether the connection was refused by the limits (its requests must not be served). */
export function isRefused(socket: Socket): boolean {
  return refused.has(socket);
}

/**
 * Caps open connections in total and per client address. A connection over either cap gets an
 * S3 `SlowDown` answer (503, which SDKs retry with back-off) and is closed before any request is read.
 */
export function limitConnections(server: Server, limits: ConnectionLimits, log: Logger): () => number {
  let open = 0;
  const perAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = perAddress.get(address) ?? 0;
    if (open >= limits.maxConnections || fromAddress >= limits.maxConnectionsPerAddress) {
      const reason =
        open >= limits.maxConnections
          ? `the server has ${open} connections (maxConnections ${limits.maxConnections})`
          : `${address} has ${fromAddress} connections (maxConnectionsPerAddress ${limits.maxConnectionsPerAddress})`;
      log.warn({ address }, `connection refused: ${reason}`);
      refuse(socket, reason);
      return;
    }
    open++;
    perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      open--;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left === 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
  return () => open;
}

function refuse(socket: Socket, reason: string): void {
  refused.add(socket);
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>' +
    `<Message>Too many connections: ${escapeXml(reason)}</Message></Error>`;
  socket.end(
    'HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nConnection: close\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroySoon();
}
