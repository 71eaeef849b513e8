/**
 * Prometheus metrics of one broker. Each broker has its own registry (several brokers may run in
 * one test process). Other components (group coordinator: lag) register into `registry`.
 */
import type { Server } from 'node:http';
import { type EndpointSecurity, serveMetrics } from '@meterstream/security';
import { Counter, Gauge, Registry } from 'prom-client';
import type { TopicManager } from './log/topic-manager.js';

export class BrokerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'api'>;
  readonly requestErrors: Counter<'api'>;
  readonly bytesIn: Counter;
  readonly bytesOut: Counter;
  readonly protocolErrors: Counter<'reason'>;
  readonly connections: Gauge;
  readonly connectionsRefused: Counter<'reason'>;
  readonly connectionsIdleClosed: Counter;
  readonly fsyncs: Counter;
  readonly authFailures: Counter<'mechanism'>;
  readonly authorizationDenied: Counter<'api'>;

  /** `topics` is read when Prometheus scrapes (partition counts, open files, log end offsets). */
  constructor(topics: TopicManager) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'kafka_requests_total',
      help: 'Requests received, per API',
      labelNames: ['api'],
      registers,
    });
    this.requestErrors = new Counter({
      name: 'kafka_request_failures_total',
      help: 'Requests whose handler threw, per API',
      labelNames: ['api'],
      registers,
    });
    this.bytesIn = new Counter({ name: 'kafka_bytes_in_total', help: 'Request bytes received', registers });
    this.bytesOut = new Counter({ name: 'kafka_bytes_out_total', help: 'Response bytes sent', registers });
    this.protocolErrors = new Counter({
      name: 'kafka_protocol_errors_total',
      help: 'Connections closed for bad input, per reason',
      labelNames: ['reason'],
      registers,
    });
    this.connections = new Gauge({ name: 'kafka_connections', help: 'Open client connections', registers });
    this.connectionsRefused = new Counter({
      name: 'kafka_connections_refused_total',
      help: 'Connections closed at accept, per limit reached (max-connections, max-connections-per-ip)',
      labelNames: ['reason'],
      registers,
    });
    this.authFailures = new Counter({
      name: 'kafka_sasl_authentication_failures_total',
      help: 'Failed SASL authentications (answered SASL_AUTHENTICATION_FAILED, connection closed), per mechanism',
      labelNames: ['mechanism'],
      registers,
    });
    this.authorizationDenied = new Counter({
      name: 'kafka_authorization_denied_total',
      help: 'Resources (topics, groups, transactional ids, the cluster) the authorizer denied a request, per API',
      labelNames: ['api'],
      registers,
    });
    this.connectionsIdleClosed = new Counter({
      name: 'kafka_connections_idle_closed_total',
      help: 'Connections closed after connections.max.idle.ms without traffic',
      registers,
    });
    new Gauge({
      name: 'kafka_partitions',
      help: 'Partitions of all topics (limit: max.partitions)',
      registers,
      collect() {
        this.set(topics.partitionCount);
      },
    });
    new Gauge({
      name: 'kafka_log_open_segment_files',
      help: 'Segment files open now (limit: maxOpenSegmentFiles)',
      registers,
      collect() {
        this.set(topics.files.size);
      },
    });
    new Counter({
      name: 'kafka_log_segment_file_opens_total',
      help: 'Segment files opened (a fast rise means the open-file pool is too small for the load)',
      registers,
      collect() {
        this.reset();
        this.inc(topics.files.opens);
      },
    });
    this.fsyncs = new Counter({
      name: 'kafka_log_fsyncs_total',
      help: 'fsync calls on log files',
      registers,
    });
    new Gauge({
      name: 'kafka_log_end_offset',
      help: 'Log end offset per partition',
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const topic of topics.list()) {
          for (const p of topic.partitions) {
            this.set({ topic: topic.name, partition: String(p.index) }, Number(p.logEndOffset));
          }
        }
      },
    });
  }

  /** Serves GET /metrics on host:port (with Basic auth and/or HTTPS when `security` says); resolves to the bound port. */
  async serve(
    host: string,
    port: number,
    security?: EndpointSecurity,
  ): Promise<{ port: number; server: Server }> {
    const endpoint = await serveMetrics(this.registry, port, security, host);
    return { port: endpoint.port, server: endpoint.server };
  }
}
