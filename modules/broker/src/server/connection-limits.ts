/**
 * Admission of client connections for one listener (Kafka, Schema Registry): at most `max` at
 * once in total and `maxPerIp` from one remote address. A connection over either limit is closed
 * right after accept, as Kafka closes connections over max.connections.per.ip; the refusals are
 * logged at warn at most once per 10 s per listener (with the count since the last message), so a
 * flood of connections cannot flood the log too.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerIp: number;
}

export type RefusalReason = 'max-connections' | 'max-connections-per-ip';

const WARN_EVERY_MS = 10_000;

export class ConnectionGate {
  private total = 0;
  private readonly perIp = new Map<string, number>();
  private refusedSinceWarn = 0;
  private lastWarn = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly listener: string,
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
    private readonly onRefused: (reason: RefusalReason) => void = () => undefined,
  ) {}

  /** Connections admitted and still open. */
  get open(): number {
    return this.total;
  }

  /** Counts the socket in (released when it closes), or destroys it and returns false. */
  admit(socket: Socket): boolean {
    const ip = socket.remoteAddress ?? 'unknown';
    const fromIp = this.perIp.get(ip) ?? 0;
    let reason: RefusalReason | undefined;
    if (this.total >= this.limits.maxConnections) reason = 'max-connections';
    else if (fromIp >= this.limits.maxConnectionsPerIp) reason = 'max-connections-per-ip';
    if (reason) {
      socket.destroy();
      this.refused(reason, ip);
      return false;
    }
    this.total++;
    this.perIp.set(ip, fromIp + 1);
    socket.once('close', () => {
      this.total--;
      const n = (this.perIp.get(ip) ?? 1) - 1;
      if (n === 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
    });
    return true;
  }

  private refused(reason: RefusalReason, ip: string): void {
    this.onRefused(reason);
    this.refusedSinceWarn++;
    const now = Date.now();
    if (now - this.lastWarn < WARN_EVERY_MS) return;
    this.lastWarn = now;
    const limit = reason === 'max-connections' ? this.limits.maxConnections : this.limits.maxConnectionsPerIp;
    this.logger.warn(
      {
        listener: this.listener,
        peer: ip,
        reason,
        limit,
        open: this.total,
        refusedSinceLastWarning: this.refusedSinceWarn,
      },
      `connection refused: ${reason.replaceAll('-', '.')}=${limit} reached`,
    );
    this.refusedSinceWarn = 0;
  }
}
