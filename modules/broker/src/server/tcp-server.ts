import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Broker } from '../broker.js';
import { Connection } from './connection.js';
import { ConnectionGate } from './connection-limits.js';

/**
 * Listens for Kafka clients and wraps each socket in a Connection, after the connection limits
 * (max.connections, max.connections.per.ip) admitted it.
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
  const server = createServer((socket) => {
    if (!gate.admit(socket)) return;
    const conn = new Connection(broker, socket);
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  });
  server.on('error', (err) => broker.logger.error({ err }, 'kafka listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
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
