import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../engine/database.js';
import { Opcode } from '../protocol/frame.js';

const OPCODE_NAMES = new Map<number, string>(Object.entries(Opcode).map(([name, code]) => [code, name]));

export function opcodeName(opcode: number): string {
  return OPCODE_NAMES.get(opcode) ?? `0x${opcode.toString(16)}`;
}

/**
 * Prometheus metrics of one CQL server, in its own registry (several servers may run in one test
 * process); the process hosting it decides how to expose `registry`.
 */
export class CqlServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'opcode'>;
  readonly errors: Counter<'code'>;
  readonly closedForBadInput: Counter<'reason'>;
  readonly refused: Counter<'reason'>;
  readonly closedIdle: Counter;
  readonly connections: Gauge;
  readonly fsyncs: Counter;
  readonly recordsPerFsync: Histogram;
  readonly snapshots: Counter<'result'>;
  readonly failedLoginDelays: Counter;

  constructor(db: Database) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'cql_requests_total',
      help: 'Requests received, per opcode',
      labelNames: ['opcode'],
      registers,
    });
    this.errors = new Counter({
      name: 'cql_error_responses_total',
      help: 'ERROR responses sent, per protocol error code (hex)',
      labelNames: ['code'],
      registers,
    });
    this.closedForBadInput = new Counter({
      name: 'cql_connections_closed_bad_input_total',
      help: 'Connections closed after a framing error, per reason',
      labelNames: ['reason'],
      registers,
    });
    this.refused = new Counter({
      name: 'cql_connections_refused_total',
      help: 'Connections refused over a connection limit, per limit',
      labelNames: ['reason'],
      registers,
    });
    this.closedIdle = new Counter({
      name: 'cql_connections_closed_idle_total',
      help: 'Connections closed after the idle timeout',
      registers,
    });
    this.connections = new Gauge({ name: 'cql_connections', help: 'Open client connections', registers });
    this.fsyncs = new Counter({ name: 'cql_commitlog_fsyncs_total', help: 'Commit-log fsyncs', registers });
    this.recordsPerFsync = new Histogram({
      name: 'cql_commitlog_records_per_fsync',
      help: 'Write records made durable by one fsync (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers,
    });
    this.snapshots = new Counter({
      name: 'cql_snapshots_total',
      help: 'Snapshots taken, per result',
      labelNames: ['result'],
      registers,
    });
    this.failedLoginDelays = new Counter({
      name: 'cql_failed_login_delays_total',
      help: 'Login attempts delayed after repeated failures for the same client address and role',
      registers,
    });
    new Gauge({
      name: 'cql_table_partitions',
      help: 'Partitions per user table',
      labelNames: ['keyspace', 'table'],
      registers,
      collect() {
        this.reset();
        for (const ks of db.keyspaces.values()) {
          if (ks.system) continue;
          for (const t of ks.tables.values())
            this.set({ keyspace: ks.name, table: t.name }, t.partitions.size);
        }
      },
    });
  }
}
