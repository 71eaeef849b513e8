import { probeTcp } from '../preflight/tcp-probe.js';

/**
 * A server cannot listen because another process holds its port. Names the server, the address and
 * the flag that moves it, as a newcomer with a second stack (or a real Kafka) running needs.
 */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    /** The server, as people call it: `Schema Registry`, `Kafka`, … */
    readonly server: string,
    readonly host: string,
    readonly port: number,
    /** The flag that sets the port, e.g. `--schema-registry-port`. */
    readonly flag: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${server} cannot listen on ${host}:${port}: the port is in use by another process; ` +
        `choose another with ${flag} (0: any free port)`,
      options,
    );
  }
}

/** `start()`, with EADDRINUSE turned into a PortInUseError naming `flag`. */
export async function listenOrExplain<T>(
  server: string,
  flag: string,
  host: string,
  port: number,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new PortInUseError(server, host, port, flag, { cause: error });
    throw error;
  }
}

/**
 * Fails with a PortInUseError when something already accepts connections on `host:port`: for
 * servers run as child processes (redis-server, ksql-server), whose own bind error would only say
 * that the child exited.
 */
export async function assertPortFree(
  server: string,
  flag: string,
  host: string,
  port: number,
): Promise<void> {
  if (port === 0) return;
  if ((await probeTcp({ host, port }, 1000)) === null) throw new PortInUseError(server, host, port, flag);
}
