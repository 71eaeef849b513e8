import { Broker } from './broker.js';
import type { BrokerOptions } from './config.js';
import { listen } from './server/tcp-server.js';

export interface RunningBroker {
  host: string;
  port: number;
  /** "host:port", ready for kafkajs `brokers: [...]`. */
  bootstrap: string;
  /** Port of the Prometheus endpoint, when one was requested. */
  metricsPort: number | undefined;
  /** The core, for in-process tests and tools (e.g. `broker.topics.compactNow()`). */
  broker: Broker;
  close(): Promise<void>;
}

/** Opens the data directory, recovers every partition, and starts listening. */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const broker = await Broker.open(options);
  try {
    const { port } = await listen(broker, broker.config.host, broker.config.port);
    broker.advertisedPort = port;
    let metricsPort: number | undefined;
    if (broker.config.metricsPort !== undefined) {
      const m = await broker.metrics.serve(broker.config.host, broker.config.metricsPort);
      metricsPort = m.port;
      broker.onClose(() => new Promise<void>((resolve) => m.server.close(() => resolve())));
    }
    broker.topics.startBackgroundTasks();
    broker.logger.info(
      { host: broker.config.host, port, dataDir: broker.config.dataDir },
      'broker listening',
    );
    const host = broker.config.host;
    return { host, port, bootstrap: `${host}:${port}`, metricsPort, broker, close: () => broker.close() };
  } catch (err) {
    await broker.close();
    throw err;
  }
}
