import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The runtime's Prometheus metrics, labelled by application id. */
export class RuntimeMetrics {
  readonly processed: Counter<'application'>;
  readonly lateDropped: Counter<'application'>;
  readonly deadLettered: Counter<'application'>;
  readonly commitSeconds: Histogram<'application'>;
  readonly consumerLag: Gauge<'application' | 'topic' | 'partition'>;
  readonly storeEntries: Gauge<'application' | 'store' | 'partition'>;

  constructor(
    readonly application: string,
    registry?: Registry,
  ) {
    const registers = registry ? [registry] : [];
    this.processed = new Counter({
      name: 'meterstream_streams_records_processed_total',
      help: 'Input records processed (rate() gives records per second)',
      labelNames: ['application'],
      registers,
    });
    this.lateDropped = new Counter({
      name: 'meterstream_streams_late_records_dropped_total',
      help: 'Records dropped because every window they belong to had closed (window end + grace <= stream time)',
      labelNames: ['application'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'meterstream_streams_dead_lettered_total',
      help: 'Records that could not be deserialized and went to the dead-letter topic',
      labelNames: ['application'],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'meterstream_streams_commit_seconds',
      help: 'Duration of a commit: flush caches, send changelog and output, commit offsets',
      labelNames: ['application'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'meterstream_streams_consumer_lag',
      help: 'Records between the last fetched offset and the high watermark, per input partition',
      labelNames: ['application', 'topic', 'partition'],
      registers,
    });
    this.storeEntries = new Gauge({
      name: 'meterstream_streams_store_entries',
      help: 'Approximate number of entries per key-value state store and task partition',
      labelNames: ['application', 'store', 'partition'],
      registers,
    });
  }
}
