import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Broker } from '../broker.js';
import { Connection } from './connection.js';
import { ConnectionGate } from './connection-limits.js';

/**
 * Listens for Kafka clients and wraps each socket in a Connection, after the connection limits
 * (max.connections, max.connections.per.ip) admitted it. SSL and SASL_SSL listeners speak TLS
 * (node:tls with the PEM certificate chain and key of tlsCertFile / tlsKeyFile); SASL runs inside
 * the connection either way.
 */
export async function listen(
  broker: Broker,
  host: string,
  port: number,
): Promise<{ server: Server; port: number }> {
  const connections = new Set<Connection>();
  const gate = new ConnectionGate('kafka', broker.config, broker.logger, (reason) =>
    broker.metrics.connectionsRefused.inc({ reason }),
  );
  const accept = (socket: Socket) => {
    const conn = new Connection(broker, socket);
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  };
  const { security } = broker.config;
  let server: Server;
  if (security.tls) {
    const tlsServer = createTlsServer(
      { cert: readFileSync(security.tlsCertFile!), key: readFileSync(security.tlsKeyFile!) },
      accept,
    );
    // The limits apply at TCP accept, before the TLS handshake costs anything.
    tlsServer.on('connection', (socket: Socket) => {
      gate.admit(socket);
    });
    tlsServer.on('tlsClientError', (err, socket) =>
      broker.logger.debug(
        { err, peer: `${socket.remoteAddress}:${socket.remotePort}` },
        'TLS handshake failed',
      ),
    );
    server = tlsServer;
  } else {
    server = createServer((socket) => {
      if (gate.admit(socket)) accept(socket);
    });
  }
  // A failure to listen (a busy port) is the caller's to report, once and in its words; only
  // errors after that are the listener's to log.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (err) => broker.logger.error({ err }, 'kafka listener error'));
      resolve();
    });
  });
  broker.onClose(
    () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.close();
        server.close(() => resolve());
      }),
  );
  return { server, port: (server.address() as AddressInfo).port };
}
